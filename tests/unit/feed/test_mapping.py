"""Stored events → feed events: given a stored event, then these feed events (pure)."""

from __future__ import annotations

import msgspec

from strata_events import (
    AttributeValue,
    BranchCreated,
    BranchDeleted,
    BranchUpdated,
    BranchMerged,
    BranchRebased,
    ConflictResolved,
    Event,
    MutationCommitted,
    NodeCreated,
    NodeDeleted,
    NodeUpdated,
    PeerProperties,
    SchemaLoaded,
)
from strata_feed.contract import FeedEvent, FeedNames
from strata_feed.mapping import REDACTED, SourceEvent, feed_events


def _source(event: Event, *, branch_id: str = "main", branch: str = "main", seq: int = 7) -> SourceEvent:
    return SourceEvent(branch_id=branch_id, branch=branch, seq=seq, event=event,
                       occurred_at="2026-01-01T00:00:00+00:00", actor="acc1", mutation_id="m1",
                       correlation_id="c1")  # fmt: skip


def test_node_created_carries_new_values_actor_and_a_stable_id() -> None:
    event = NodeCreated(node_id="n1", kind="BuiltinTag", attributes={"name": AttributeValue(value="blue")},
                        relationships={"tags": ["t1"]})  # fmt: skip
    [out] = feed_events(_source(event, branch_id="b1", branch="feature"))
    assert out == FeedEvent(
        id="b1:7:0", type="node.created", branch="feature", branch_id="b1", seq=7,
        occurred_at="2026-01-01T00:00:00+00:00", actor="acc1", mutation_id="m1", correlation_id="c1",
        kind="BuiltinTag", node_id="n1",
        changes={"attributes": {"name": "blue"}, "relationships": {"tags": ["t1"]}},
    )  # fmt: skip
    assert feed_events(_source(event, branch_id="b1", branch="feature")) == [out]


def test_update_with_peer_deltas_gives_one_relationship_event_per_name() -> None:
    event = NodeUpdated(node_id="n1", kind="InfraDevice", attributes={"description": AttributeValue(value="x")},
                        peers_added={"tags": ["t1", "t2"], "interfaces": ["i1"]},
                        peers_removed={"tags": ["t0"]})  # fmt: skip
    out = feed_events(_source(event))
    assert [(e.type, e.id) for e in out] == [
        ("node.updated", "main:7:0"), ("relationship.added", "main:7:1"),
        ("relationship.added", "main:7:2"), ("relationship.removed", "main:7:3"),
    ]  # fmt: skip
    assert out[0].changes == {"attributes": {"description": "x"}}
    assert out[1].changes == {"relationship": "interfaces", "peers": ["i1"]}
    assert out[2].changes == {"relationship": "tags", "peers": ["t1", "t2"]}
    assert out[3].changes == {"relationship": "tags", "peers": ["t0"]}
    assert {e.node_id for e in out} == {"n1"} and {e.kind for e in out} == {"InfraDevice"}


def test_peer_only_update_gives_only_relationship_events() -> None:
    out = feed_events(_source(NodeUpdated(node_id="n1", kind="K", peers_added={"tags": ["t1"]})))
    assert [e.type for e in out] == ["relationship.added"]


def test_deleted_and_internal_kinds() -> None:
    assert [e.type for e in feed_events(_source(NodeDeleted(node_id="n1", kind="K")))] == ["node.deleted"]
    token = NodeCreated(node_id="t", kind="InternalAccountToken", attributes={"token_hash": AttributeValue(value="h")})
    assert feed_events(_source(token)) == []


def test_secret_attributes_are_redacted() -> None:
    event = NodeCreated(node_id="a", kind="CoreAccount", attributes={
        "name": AttributeValue(value="admin"), "password": AttributeValue(value="$argon2…")})  # fmt: skip
    [out] = feed_events(_source(event), is_secret=lambda kind, name: (kind, name) == ("CoreAccount", "password"))
    assert out.changes["attributes"] == {"name": "admin", "password": REDACTED}


def test_branch_created_is_told_once_from_the_origin_stream() -> None:
    event = BranchCreated(branch_id="b1", name="feature", origin="main", fork_seq=12)
    [out] = feed_events(_source(event))
    assert (out.type, out.branch, out.branch_id, out.changes["origin"], out.changes["fork_seq"]) == (
        "branch.created", "feature", "b1", "main", 12)  # fmt: skip
    assert feed_events(_source(event, branch_id="b1", branch="feature")) == []
    main = BranchCreated(branch_id="main", name="main")
    assert [e.branch for e in feed_events(_source(main))] == ["main"]


def test_branch_lifecycle_and_schema() -> None:
    names = {"b1": "feature"}
    rebased = BranchRebased(branch_id="b1", fork_seq=20, previous_fork_seq=12)
    [r] = feed_events(_source(rebased, branch_id="b1", branch="feature"), branch_name=names.__getitem__)
    assert (r.type, r.branch, r.changes["fork_seq"]) == ("branch.rebased", "feature", 20)
    [m] = feed_events(_source(BranchMerged(branch_id="b1", name="feature", branch_head=30, event_count=4)))
    assert (m.type, m.branch_id, m.changes["into"], m.changes["branch_head"]) == ("branch.merged", "b1", "main", 30)
    [d] = feed_events(_source(BranchDeleted(branch_id="b1", name="feature")))
    assert (d.type, d.branch) == ("branch.deleted", "feature")
    [u] = feed_events(_source(BranchUpdated(branch_id="b1", name="feature", description="new")))
    assert (u.type, u.branch, u.changes) == ("branch.updated", "feature", {"description": "new"})
    schema = SchemaLoaded(schema_hash="h2", previous_hash="h1", schema={"nodes": [{"name": "Big"}]})
    [s] = feed_events(_source(schema))
    assert (s.type, s.kind, s.changes) == ("schema.updated", None, {"schema_hash": "h2", "previous_hash": "h1"})


def test_bookkeeping_is_not_published() -> None:
    assert feed_events(_source(MutationCommitted(mutation_id="m1", event_count=3))) == []
    assert feed_events(_source(ConflictResolved(branch_id="b1", conflict_id="c", keep="branch"))) == []


def test_feed_event_round_trips_and_names_its_subject() -> None:
    [out] = feed_events(_source(NodeDeleted(node_id="n1", kind="BuiltinTag")))
    assert msgspec.json.decode(msgspec.json.encode(out), type=FeedEvent) == out
    assert FeedNames("STRATA").subject(out.branch_id, out.type, out.kind) == "strata.feed.v1.main.node.deleted.BuiltinTag"


def test_edge_properties_an_event_sets_are_told_with_its_update() -> None:
    event = NodeUpdated(node_id="n1", kind="InfraDevice", peers_added={"tags": ["t1"]},
                        peer_properties={"tags": {"t1": PeerProperties(is_protected=True)}})  # fmt: skip
    out = feed_events(_source(event))
    assert [e.type for e in out] == ["node.updated", "relationship.added"]
    assert out[0].changes == {"peer_properties": {"tags": {"t1": {"is_protected": True}}}}
