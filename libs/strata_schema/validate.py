"""Rules a resolved schema must satisfy: names, references, paths, identifiers, counts."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Final

from ._problems import Problem
from .constants import RESERVED_FIELD_NAMES, RESERVED_GENERIC_FIELD_NAMES
from .model import GenericSchema, KindSchema, NodeSchema, RelationshipSchema
from .paths import PATH_RULES, path_error
from .resolve import ResolvedSchema
from .values import value_error

__all__ = ["validate_resolved"]

_JINJA_VARIABLE: Final = re.compile(r"{{\s*([a-zA-Z0-9_]+)")


def validate_resolved(schema: ResolvedSchema, only: Iterable[str] | None = None) -> list[Problem]:
    """Check every node and generic (or only the kinds in `only`) of a resolved schema."""
    kinds: dict[str, KindSchema] = {
        **schema.generics, **schema.nodes, **schema.profiles, **schema.templates
    }
    wanted = set(only) if only is not None else None
    everything: list[NodeSchema | GenericSchema] = [*schema.generics.values(), *schema.nodes.values()]
    main = [item for item in everything if wanted is None or item.kind in wanted]
    problems: list[Problem] = []
    for item in main:
        problems += _names(item)
        problems += _references(item, kinds)
        problems += _default_values(item)
        problems += _counts(item)
        problems += _paths(item, kinds)
        problems += _parent(item)
    problems += _identifiers(kinds.values(), wanted or {item.kind for item in everything})
    problems += _cycles_and_mutual_requirements(schema, wanted)
    return problems


def _names(item: KindSchema) -> list[Problem]:
    out: list[Problem] = []
    seen: set[str] = set()
    for container, elements in (("attributes", item.attributes), ("relationships", item.relationships)):
        for element in elements:
            if element.name in seen:
                out.append(Problem(kind=item.kind, code="schema.duplicate", container=container,
                                   element=element.name, field="name",
                                   reason=f"{element.name!r} is declared more than once"))
            seen.add(element.name)
            reserved = RESERVED_FIELD_NAMES | (
                RESERVED_GENERIC_FIELD_NAMES if isinstance(item, GenericSchema) else frozenset()
            )
            if element.name in reserved and not element.inherited:
                out.append(Problem(kind=item.kind, code="schema.reserved_name", container=container,
                                   element=element.name, field="name",
                                   reason=f"{element.name!r} is a reserved name"))
    return out


def _references(item: KindSchema, kinds: Mapping[str, KindSchema]) -> list[Problem]:
    out: list[Problem] = []
    for rel in item.relationships:
        if rel.peer not in kinds:
            out.append(Problem(kind=item.kind, code="schema.unknown_kind", container="relationships",
                               element=rel.name, field="peer",
                               reason=f"peer {rel.peer!r} of relationship {rel.name!r} is not a known kind"))
    if item.menu_placement is not None and item.menu_placement not in kinds:
        out.append(Problem(kind=item.kind, code="schema.unknown_kind", field="menu_placement",
                           reason=f"menu_placement {item.menu_placement!r} is not a known kind"))
    return out


def _default_values(item: KindSchema) -> list[Problem]:
    out: list[Problem] = []
    for attr in item.attributes:
        if attr.inherited:
            continue
        why = value_error(attr, attr.default_value)
        if why is not None:
            out.append(Problem(kind=item.kind, code="schema.default_value", container="attributes",
                               element=attr.name, field="default_value", reason=f"invalid default value: {why}"))
    return out


def _counts(item: KindSchema) -> list[Problem]:
    out: list[Problem] = []
    for rel in item.relationships:
        reason = None
        if rel.cardinality == "one" and not rel.optional and (rel.min_count != 1 or rel.max_count != 1):
            reason = "a mandatory relationship of cardinality one needs min_count and max_count of 1"
        elif rel.cardinality == "many" and rel.max_count and rel.min_count > rel.max_count:
            reason = "min_count must not be greater than max_count"
        elif rel.cardinality == "many" and rel.max_count == 1:
            reason = "max_count must be 0 or more than 1 when cardinality is many"
        if reason:
            out.append(Problem(kind=item.kind, code="schema.cardinality", container="relationships",
                               element=rel.name, field="max_count", reason=reason))
    return out


def _path_problem(item: KindSchema, field: str, index: int | None, reason: str) -> Problem:
    return Problem(kind=item.kind, code="schema.invalid_path", field=field, index=index, reason=reason)


def _paths(item: KindSchema, kinds: Mapping[str, KindSchema]) -> list[Problem]:
    out: list[Problem] = []
    lists: list[tuple[str, tuple[str, ...] | None]] = [
        ("human_friendly_id", item.human_friendly_id),
        ("display_labels", item.display_labels),
    ]
    for field, paths in lists:
        for index, path in enumerate(paths or ()):
            if (why := path_error(path, item, kinds, PATH_RULES[field])) is not None:
                out.append(_path_problem(item, field, index, why))
    for index, path in enumerate(item.order_by or ()):
        if path.startswith("node_metadata__"):
            continue
        stripped = re.sub(r"__(asc|desc)$", "", path)
        if (why := path_error(stripped, item, kinds, PATH_RULES["order_by"])) is not None:
            out.append(_path_problem(item, "order_by", index, why))
    for index, constraint in enumerate(item.uniqueness_constraints or ()):
        for path in constraint:
            if (why := path_error(path, item, kinds, PATH_RULES["uniqueness_constraints"])) is not None:
                out.append(_path_problem(item, "uniqueness_constraints", index, why))
    if item.default_filter:
        if (why := path_error(item.default_filter, item, kinds, PATH_RULES["default_filter"])) is not None:
            out.append(_path_problem(item, "default_filter", None, why))
    if item.display_label:
        variables = _JINJA_VARIABLE.findall(item.display_label) or [item.display_label]
        for path in variables:
            if path in (item.display_labels or ()):
                continue  # already checked as one of display_labels
            if (why := path_error(path, item, kinds, PATH_RULES["display_label"])) is not None:
                out.append(_path_problem(item, "display_label", None, why))
    return out


def _parent(item: KindSchema) -> list[Problem]:
    parents = [r for r in item.relationships if r.kind == "Parent"]
    out: list[Problem] = []
    if len(parents) > 1:
        out.append(Problem(kind=item.kind, code="schema.parent_component", field="relationships",
                           reason=f"only one relationship of kind Parent is allowed, got {[r.name for r in parents]}"))
    for rel in parents[:1]:
        if rel.cardinality != "one" or rel.optional:
            out.append(Problem(kind=item.kind, code="schema.parent_component", container="relationships",
                               element=rel.name, field="kind",
                               reason="a Parent relationship must be of cardinality one and mandatory"))
    return out


def _identifiers(kinds: Iterable[KindSchema], wanted: set[str] | None) -> list[Problem]:
    """Per identifier, each kind uses it once (or twice, inbound plus outbound), and peers agree."""
    per_identifier: dict[str, dict[str, list[RelationshipSchema]]] = defaultdict(lambda: defaultdict(list))
    for item in kinds:
        for rel in item.relationships:
            per_identifier[rel.identifier or ""][item.kind].append(rel)
    out: list[Problem] = []
    for identifier, per_kind in per_identifier.items():
        for kind, rels in per_kind.items():
            if wanted is not None and kind not in wanted:
                continue
            directions = sorted(r.direction for r in rels)
            if not (len(rels) == 1 or directions == ["inbound", "outbound"]):
                out.append(Problem(kind=kind, code="schema.identifier", container="relationships",
                                   element=rels[-1].name, field="identifier",
                                   reason=f"identifier {identifier!r} is used by {[r.name for r in rels]} "
                                          "in the same direction"))
                continue
            if len(rels) != 1:
                continue
            rel = rels[0]
            peer_rels = per_kind.get(rel.peer, [])
            if rel.peer == kind or len(peer_rels) != 1:
                continue
            pair = sorted((rel.direction, peer_rels[0].direction))
            if pair not in (["bidirectional", "bidirectional"], ["inbound", "outbound"]):
                out.append(Problem(kind=kind, code="schema.identifier", container="relationships",
                                   element=rel.name, field="direction",
                                   reason=f"direction {rel.direction!r} does not match {peer_rels[0].direction!r} "
                                          f"on {rel.peer}.{peer_rels[0].name} (identifier {identifier!r})"))
    return out


def _cycles_and_mutual_requirements(schema: ResolvedSchema, wanted: set[str] | None) -> list[Problem]:
    depends: dict[str, set[str]] = defaultdict(set)
    required: dict[str, set[str]] = defaultdict(set)
    out: list[Problem] = []
    for item in (*schema.generics.values(), *schema.nodes.values()):
        for rel in item.relationships:
            if rel.kind == "Component":
                depends[item.kind].add(rel.peer)
            elif rel.kind == "Parent":
                depends[rel.peer].add(item.kind)
            if not rel.optional and not rel.inherited:
                if item.kind in required.get(rel.peer, set()) and (wanted is None or item.kind in wanted):
                    out.append(Problem(kind=item.kind, code="schema.cardinality", container="relationships",
                                       element=rel.name, field="optional",
                                       reason=f"{item.kind} and {rel.peer} cannot both require each other"))
                required[item.kind].add(rel.peer)
    cycle = _find_cycle(depends)
    if cycle:
        first = cycle[0]
        if wanted is None or any(k in wanted for k in cycle):
            out.append(Problem(kind=first, code="schema.parent_component", field="relationships",
                               reason=f"parent and component relationships form a cycle: {' -> '.join(cycle)}"))
    return out


def _find_cycle(graph: Mapping[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == node:
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []
