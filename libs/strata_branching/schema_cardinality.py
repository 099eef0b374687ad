"""The relationship-cardinality lookup the fold needs, read from a branch's schema."""

from __future__ import annotations

from strata_schema import BranchSchema

from .changes import Cardinality, CardinalityOf

__all__ = ["cardinality_from_schema"]


def cardinality_from_schema(schema: BranchSchema) -> CardinalityOf:
    """`(kind, relationship) -> cardinality` per `schema`; names it does not know count as many."""

    def lookup(kind: str, name: str) -> Cardinality:
        kind_schema = schema.get(kind)
        rel = kind_schema.relationship(name) if kind_schema is not None else None
        return "one" if rel is not None and rel.cardinality == "one" else "many"

    return lookup
