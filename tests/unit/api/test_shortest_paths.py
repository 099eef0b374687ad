"""The shortest paths read back from a breadth-first search's parents: every one, up to the
limit, each from the source to the target with the relationship followed at each step."""

from __future__ import annotations

from strata_api.graph_traversal import Edge, _shortest
from strata_schema import RelationshipSchema

A_B = RelationshipSchema(name="ab", peer="K", identifier="ab")
B_D = RelationshipSchema(name="bd", peer="K", identifier="bd")
A_C = RelationshipSchema(name="ac", peer="K", identifier="ac")
C_D = RelationshipSchema(name="cd", peer="K", identifier="cd")
# a diamond: a -> b -> d and a -> c -> d, both of depth 2
PARENTS: dict[str, list[Edge]] = {"a": [], "b": [("a", A_B)], "c": [("a", A_C)], "d": [("b", B_D), ("c", C_D)]}


def test_every_shortest_path_up_to_the_limit() -> None:
    paths = _shortest(PARENTS, "d", 10)
    assert [[uid for uid, _ in p] for p in paths] == [["a", "b", "d"], ["a", "c", "d"]]
    assert [[rel.name if rel else None for _, rel in p] for p in paths] == [[None, "ab", "bd"], [None, "ac", "cd"]]
    assert len(_shortest(PARENTS, "d", 1)) == 1
    assert _shortest(PARENTS, "a", 5) == [[("a", None)]]
