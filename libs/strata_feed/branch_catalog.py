"""What the relay needs to know about a branch beyond its stream: its name and which attribute
values are secret (password kinds), read from the read model and cached."""

from __future__ import annotations

from typing import Final

from neo4j import AsyncDriver

from strata_schema import BranchSchema
from strata_service.branches import BranchRef
from strata_service.schema_service import SchemaService
from strata_graph.driver import read_records

__all__ = ["BranchCatalog", "SECRET_ATTRIBUTE_KINDS", "secret_attributes"]

SECRET_ATTRIBUTE_KINDS: Final = frozenset({"Password", "HashedPassword"})

_BRANCH_BY_ID: Final = """
MATCH (b:Branch {id: $id})
RETURN b.name AS name, b.origin AS origin, b.fork_seq AS fork_seq
"""


def secret_attributes(schema: BranchSchema) -> frozenset[tuple[str, str]]:
    """`(kind, attribute)` pairs whose values are secrets."""
    return frozenset(
        (kind, attribute.name)
        for kind, node in schema.nodes.items()
        for attribute in node.attributes
        if attribute.kind in SECRET_ATTRIBUTE_KINDS
    )


class BranchCatalog:
    def __init__(self, driver: AsyncDriver, database: str, schemas: SchemaService) -> None:
        self._driver = driver
        self._database = database
        self._schemas = schemas
        self._refs: dict[str, BranchRef] = {}
        self._secrets: dict[str, frozenset[tuple[str, str]]] = {}
        self._core_secrets = secret_attributes(BranchSchema.initial())

    def learn(self, branch_id: str, name: str) -> None:
        """A branch's name seen in its creation event (saves a read)."""
        if branch_id not in self._refs:
            self._refs[branch_id] = BranchRef(id=branch_id, name=name)

    async def ref(self, branch_id: str) -> BranchRef:
        cached = self._refs.get(branch_id)
        if cached is not None and (cached.origin is not None or branch_id == "main"):
            return cached
        if branch_id == "main":
            ref = BranchRef(id="main", name="main")
        else:
            records = await read_records(self._driver, self._database, _BRANCH_BY_ID, id=branch_id)
            if not records:  # not projected yet: the id stands in for the name
                return cached or BranchRef(id=branch_id, name=branch_id)
            row = records[0]
            ref = BranchRef(id=branch_id, name=row["name"] or branch_id, origin=row["origin"],
                            fork_seq=int(row["fork_seq"] or 0))  # fmt: skip
        self._refs[branch_id] = ref
        return ref

    async def name(self, branch_id: str) -> str:
        return (await self.ref(branch_id)).name

    def cached_name(self, branch_id: str) -> str:
        ref = self._refs.get(branch_id)
        return ref.name if ref is not None else branch_id

    async def secrets(self, branch_id: str) -> frozenset[tuple[str, str]]:
        cached = self._secrets.get(branch_id)
        if cached is None:
            schema = await self._schemas.current(await self.ref(branch_id))
            cached = self._core_secrets | secret_attributes(schema)
            self._secrets[branch_id] = cached
        return cached

    def forget_schema(self, branch_id: str) -> None:
        """The branch's schema (or its fork point) moved: read its secrets again when next needed."""
        self._secrets.pop(branch_id, None)
        ref = self._refs.get(branch_id)
        if ref is not None and branch_id != "main":
            self._refs[branch_id] = BranchRef(id=branch_id, name=ref.name)
