"""Cypher used by the projector. Constant texts with `$parameters` only (house rule 11)."""

from __future__ import annotations

from typing import Final, LiteralString

__all__ = [
    "CLOSE_OPEN_RECORDS",
    "CREATE_RECORDS",
    "FETCH_CURRENT_RECORDS",
    "GET_CHECKPOINT",
    "GET_CHECKPOINT_AND_FORK",
    "GET_CHECKPOINT_AND_RECORDS",
    "MARK_BRANCH_DELETED",
    "MARK_BRANCH_MERGED",
    "MOVE_FORK_POINT",
    "CLOSE_BRANCH_RECORDS",
    "RECORD_COMMITS",
    "SCHEMA_STATEMENTS",
    "SET_CHECKPOINT",
    "UPSERT_BRANCH",
    "SET_BRANCH_DESCRIPTION",
    "WRITE_SCHEMA",
    "WRITE_VERSIONS",
]

SCHEMA_STATEMENTS: Final = (
    "CREATE CONSTRAINT checkpoint_stream IF NOT EXISTS FOR (c:Checkpoint) REQUIRE c.stream IS UNIQUE",
    "CREATE CONSTRAINT branch_id IF NOT EXISTS FOR (b:Branch) REQUIRE b.id IS UNIQUE",
    "CREATE INDEX rec_uid IF NOT EXISTS FOR (r:Rec) ON (r.uid, r.branch, r.to_seq)",
    "CREATE INDEX rec_branch_to IF NOT EXISTS FOR (r:Rec) ON (r.branch, r.to_seq)",
    "CREATE INDEX rec_kind IF NOT EXISTS FOR (r:Rec) ON (r.branch, r.kind, r.to_seq)",
    # counts a kind's live objects from the index alone (`ordered_pages`)
    "CREATE INDEX rec_kind_live IF NOT EXISTS FOR (r:Rec) ON (r.branch, r.kind, r.to_seq, r.deleted)",
    "CREATE INDEX commit_seq IF NOT EXISTS FOR (c:Commit) ON (c.branch, c.seq)",
    "CREATE INDEX commit_time IF NOT EXISTS FOR (c:Commit) ON (c.branch, c.time)",
    "CREATE INDEX schema_branch IF NOT EXISTS FOR (s:SchemaRec) ON (s.branch, s.to_seq)",
)

GET_CHECKPOINT: Final = "MATCH (c:Checkpoint {stream: $stream}) RETURN c.seq AS seq"

SET_CHECKPOINT: Final = """
MERGE (c:Checkpoint {stream: $stream})
SET c.seq = $seq, c.branch = $branch, c.updated_at = datetime()
"""

# What a projector transaction reads first, in one round trip: the stream's checkpoint and, for
# a branch, its fork point and how far its origin is projected (a branch's records are read
# against the origin's at the fork point).
GET_CHECKPOINT_AND_FORK: Final = """
OPTIONAL MATCH (c:Checkpoint {stream: $stream})
OPTIONAL MATCH (b:Branch {id: $branch})
CALL (b) {
  OPTIONAL MATCH (o:Checkpoint {branch: b.origin})
  RETURN max(o.seq) AS origin_seq
}
RETURN c.seq AS seq, b IS NOT NULL AS known, b.origin AS origin, b.fork_seq AS fork_seq, origin_seq
"""

# On main (no fork point, no origin) the first read can also be the records the batches update:
# one round trip less per projector transaction. `FETCH_CURRENT_RECORDS` with no origin.
GET_CHECKPOINT_AND_RECORDS: Final = """
OPTIONAL MATCH (c:Checkpoint {stream: $stream})
CALL () {
  UNWIND $uids AS uid
  OPTIONAL MATCH (own:Rec {uid: uid, branch: $branch, to_seq: $open}) USING INDEX SEEK own:Rec(uid, branch, to_seq)
  RETURN collect([uid, own IS NOT NULL, own.kind, own.deleted, own.attrs, own.rels, own.rprops]) AS rows
}
RETURN c.seq AS seq, rows
"""

UPSERT_BRANCH: Final = """
MERGE (b:Branch {id: $id})
SET b.name = $name, b.description = $description, b.origin = $origin,
    b.fork_seq = $fork_seq, b.fork_time = $fork_time, b.sync_with_git = $sync_with_git,
    b.created_seq = coalesce(b.created_seq, $seq)
"""

MARK_BRANCH_DELETED: Final = "MATCH (b:Branch {id: $id}) SET b.deleted_seq = $seq"

SET_BRANCH_DESCRIPTION: Final = "MATCH (b:Branch {id: $id}) SET b.description = $description"

MARK_BRANCH_MERGED: Final = (
    "MATCH (b:Branch {id: $id}) SET b.merged_seq = $seq, b.merged_branch_head = $branch_head"
)

# The fork point moves; the one it replaces is kept with the branch sequence from which it no
# longer holds (`rebased_at`, in step with `earlier_forks`), for time travel before the rebase.
MOVE_FORK_POINT: Final = """
MATCH (b:Branch {id: $id})
SET b.earlier_forks = coalesce(b.earlier_forks, []) + [coalesce(b.fork_seq, $previous_fork_seq)],
    b.rebased_at = coalesce(b.rebased_at, []) + [$seq],
    b.fork_seq = $fork_seq, b.fork_time = $fork_time
"""

# After a rebase the branch's records are rebuilt on main as of the new fork point: the open
# ones are closed here and the rebase's own events recreate what the branch changed.
CLOSE_BRANCH_RECORDS: Final = """
MATCH (r:Rec {branch: $branch, to_seq: $open})
SET r.to_seq = $seq
"""

# The state of each uid as seen by the branch: its own open record, else the origin's record
# valid at the fork point. One row holding a list: the async driver costs far more per row
# than per byte (a 10,000-object batch: seconds as rows, a fraction as one list).
FETCH_CURRENT_RECORDS: Final = """
UNWIND $uids AS uid
OPTIONAL MATCH (own:Rec {uid: uid, branch: $branch, to_seq: $open}) USING INDEX SEEK own:Rec(uid, branch, to_seq)
CALL (uid, own) {
  OPTIONAL MATCH (base:Rec {uid: uid, branch: $origin}) USING INDEX SEEK base:Rec(uid, branch, to_seq)
  WHERE own IS NULL AND $origin IS NOT NULL AND base.from_seq <= $fork_seq AND base.to_seq > $fork_seq
  RETURN base LIMIT 1
}
WITH uid, own, base, coalesce(own, base) AS cur
RETURN collect([uid, own IS NOT NULL, cur.kind, cur.deleted, cur.attrs, cur.rels, cur.rprops]) AS rows
"""

CLOSE_OPEN_RECORDS: Final = """
UNWIND $closes AS c
MATCH (old:Rec {uid: c.uid, branch: $branch, to_seq: $open}) USING INDEX SEEK old:Rec(uid, branch, to_seq)
SET old.to_seq = c.seq
"""

CREATE_RECORDS: Final = """
UNWIND $rows AS row
CREATE (n:Rec {uid: row.uid, kind: row.kind, branch: $branch, from_seq: row.from_seq,
               to_seq: row.to_seq, deleted: row.deleted, attrs: row.attrs, rels: row.rels,
               rprops: row.rprops})
SET n += row.values
"""

RECORD_COMMITS: Final = """
UNWIND $commits AS c
CREATE (:Commit {branch: $branch, seq: c.seq, time: datetime(c.time), mutation_id: c.mutation_id,
                 actor: c.actor, operation: c.operation, event_count: c.event_count})
"""

# The end of a projector transaction in one statement (one round trip instead of four):
# close the replaced versions, create the new ones, record the commits, move the checkpoint.
# Unit subqueries run in order for the single driving row, so closes precede creates.
WRITE_VERSIONS: Final = (
    "CALL () {" + CLOSE_OPEN_RECORDS + "}\n"
    + "CALL () {" + CREATE_RECORDS + "}\n"
    + "CALL () {" + RECORD_COMMITS + "}\n"
    + SET_CHECKPOINT
)

# The same, as one auto-commit statement, when the projector knows the records it updates (what
# it wrote itself, `recent_writes`): it writes only if the checkpoint is still the one it wrote
# last (`applied` 0 otherwise: the caller reads and applies the usual way).
WRITE_VERSIONS_AFTER: Final = (
    "OPTIONAL MATCH (guard:Checkpoint {stream: $stream}) WITH guard WHERE guard.seq = $expected\n"
    + "CALL () {" + CLOSE_OPEN_RECORDS + "}\n"
    + "CALL () {" + CREATE_RECORDS + "}\n"
    + "CALL () {" + RECORD_COMMITS + "}\n"
    + SET_CHECKPOINT
    + "RETURN count(*) AS applied"
)

WRITE_SCHEMA: Final = """
OPTIONAL MATCH (old:SchemaRec {branch: $branch, to_seq: $open})
SET old.to_seq = $seq
CREATE (:SchemaRec {branch: $branch, from_seq: $seq, to_seq: $open, hash: $hash, body: $body})
"""

# --- reads ------------------------------------------------------------------------------


def _visible(unshadowed: LiteralString) -> LiteralString:
    """`_VISIBLE` with `unshadowed`, the test that the branch has no record of its own for the
    origin record `r` valid at its sequence (which would shadow it)."""
    return """
CALL () {
  MATCH (r:Rec {branch: $branch}) USING INDEX SEEK r:Rec(branch, kind, to_seq)
  WHERE r.kind IN $kinds AND r.from_seq <= $own_seq AND r.to_seq > $own_seq
  RETURN r
  UNION
  MATCH (r:Rec {branch: $origin}) USING INDEX SEEK r:Rec(branch, kind, to_seq)
  WHERE $origin IS NOT NULL AND r.kind IN $kinds
    AND r.to_seq > CASE WHEN $origin_now < $origin_seq THEN $origin_now ELSE $origin_seq END
  WITH r, CASE WHEN r.kind IN $agnostic THEN $origin_now ELSE $origin_seq END AS at
  WHERE r.from_seq <= at AND r.to_seq > at
    AND """ + unshadowed + """
  RETURN r
}
WITH r WHERE r.deleted = false
"""


# `_VISIBLE` is the shared prefix of every read: the records a View sees, kinds restricted; each
# origin record's shadow is looked up with an index seek.
_VISIBLE: Final = _visible("""NOT EXISTS { MATCH (o:Rec {uid: r.uid, branch: $branch}) USING INDEX SEEK o:Rec(uid, branch, to_seq)
                     WHERE o.from_seq <= $own_seq AND o.to_seq > $own_seq }""")

_FILTERS: Final = """
  AND ($ids IS NULL OR r.uid IN $ids)
  AND ALL(f IN $filters WHERE CASE f.op
    WHEN 'eq' THEN r[f.key] = f.value
    WHEN 'in' THEN r[f.key] IN f.value
    WHEN 'isnull' THEN (r[f.key] IS NULL) = f.value
    WHEN 'contains' THEN toLower(toString(r[f.key])) CONTAINS toLower(toString(f.value))
    WHEN 'any_in' THEN ANY(x IN coalesce(r[f.key], []) WHERE x IN f.value)
    WHEN 'any_prefix_eq' THEN ANY(k IN keys(r) WHERE k STARTS WITH f.key AND r[k] = f.value)
    WHEN 'any_contains' THEN ANY(k IN keys(r) WHERE k STARTS WITH 'v_'
                                 AND toLower(toString(r[k])) CONTAINS toLower(toString(f.value)))
    ELSE false END)
"""

_FILTERED: Final = _VISIBLE + _FILTERS

# The list reads each origin record's shadow (does the branch have its own record of it?) from
# `$shadow`, the ids of the branch's own records at its sequence (`OWN_RECORD_IDS`, one read),
# instead of an index seek per origin record: 1,000 interfaces on a branch at 100k objects,
# ~1.4 s -> ~0.65 s. On main the origin part reads nothing and `$shadow` is empty.
OWN_RECORD_IDS: Final = """
MATCH (r:Rec {branch: $branch}) USING INDEX SEEK r:Rec(branch, to_seq)
WHERE r.to_seq > $own_seq AND r.from_seq <= $own_seq
RETURN collect(r.uid) AS uids
"""

_PAGE_OF_VISIBLE: Final = """
WITH r ORDER BY r[$o1], r[$o2], r[$o3], r.uid
WITH collect(r) AS rows
RETURN size(rows) AS total,
       [x IN rows[$offset..($offset + $limit)] |
        {uid: x.uid, kind: x.kind, attrs: x.attrs, rels: x.rels, rprops: x.rprops}] AS page
"""

LIST_RECORDS: Final = _visible("NOT r.uid IN $shadow") + _FILTERS + _PAGE_OF_VISIBLE

COUNT_RECORDS: Final = _FILTERED + "RETURN count(r) AS total"

# Lookups by uid name their index: a plan cached while the graph was small scanned every
# record for each id (2,000,000 db hits for 200 ids at 10,000 objects); `to_seq > 0` (always
# true) lets the hint apply where the version test comes after a WITH.
# Reads answering many rows return them as ONE record holding a list: the async driver costs
# about 60 µs per record received (1,000 one-column records: 65 ms), a collected list 5 ms.
# The object `id` as a view sees it, as `r` (no row when it has none or it is deleted): the read
# by ids (a branch page's peers use a form for the current view, `branch_pages._PEER_OF_ID`).
RECORD_OF_ID: Final = """
CALL (id) {
  MATCH (r:Rec {uid: id, branch: $branch}) USING INDEX SEEK r:Rec(uid, branch, to_seq)
  WHERE r.from_seq <= $own_seq AND r.to_seq > $own_seq
  RETURN r
  UNION
  MATCH (r:Rec {uid: id, branch: $origin}) USING INDEX SEEK r:Rec(uid, branch, to_seq)
  WHERE $origin IS NOT NULL AND r.to_seq > 0
  WITH id, r, CASE WHEN r.kind IN $agnostic THEN $origin_now ELSE $origin_seq END AS at
  WHERE r.from_seq <= at AND r.to_seq > at
    AND NOT EXISTS { MATCH (o:Rec {uid: id, branch: $branch}) USING INDEX SEEK o:Rec(uid, branch, to_seq)
                     WHERE o.from_seq <= $own_seq AND o.to_seq > $own_seq }
  RETURN r
}
WITH r WHERE r.deleted = false
"""

RECORDS_BY_IDS: Final = (
    "UNWIND $ids AS id" + RECORD_OF_ID + "RETURN collect({uid: r.uid, kind: r.kind, attrs: r.attrs, rels: r.rels, rprops: r.rprops}) AS rows\n"
)

# `LIST_RECORDS` for the objects `$ids` (distinct) alone: each read by id in the view, so the
# cost follows the ids, not the kinds (`GraphReader.page`: a list by ids, or by a value an index
# finds the holders of).
LIST_RECORDS_OF_IDS: Final = (
    "UNWIND $ids AS id" + RECORD_OF_ID + "  AND r.kind IN $kinds" + _FILTERS + _PAGE_OF_VISIBLE
)

PROPERTY_VALUES: Final = _VISIBLE + "RETURN r.uid AS uid, r[$key] AS value"

# Objects holding, for every probe, one of its `values` in its property `key` (a list property
# when `is_list`): the bulk path checks many uniqueness assumptions with one scan of the kinds.
# A superset of the exact matches (each key is tested on its own); the caller compares tuples.
HOLDERS_OF_VALUES: Final = _VISIBLE + """
  AND ALL(p IN $probes WHERE CASE WHEN p.is_list THEN ANY(x IN coalesce(r[p.key], []) WHERE x IN p.values)
                                  ELSE r[p.key] IN p.values END)
RETURN collect({uid: r.uid, kind: r.kind, attrs: r.attrs, rels: r.rels, rprops: r.rprops}) AS rows
"""

SCHEMA_AT: Final = """
OPTIONAL MATCH (c:Checkpoint {branch: $branch})
WITH max(c.seq) AS projected
OPTIONAL MATCH (s:SchemaRec {branch: $branch})
WHERE s.from_seq <= $seq AND s.to_seq > $seq
RETURN s.body AS body, s.from_seq AS seq, projected
"""
