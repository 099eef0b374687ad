"""The GraphQL requests recorded from the unmodified SDK and `infrahubctl`, read from the shared call files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

RECORDINGS_DIR: Final = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "infrahub-sdk-1.23.2"
CALL_FILES: Final = ("sdk-calls.txt", "infrahubctl-calls.txt")

_REQUEST: Final = "--- POST /graphql"
_BODY: Final = "  BODY+: "
# Lines that end the document of a request.
_AFTER_DOCUMENT: Final = ("  RESP:", _BODY, "--- ", "######## ")


@dataclass
class RecordedRequest:
    """One `POST /graphql/<branch>` of a call file: its document and the variables sent with it."""

    source: str
    section: str
    line: int
    document_lines: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def document(self) -> str:
        return "\n".join(self.document_lines).strip()

    @property
    def label(self) -> str:
        return f"{self.source}:{self.line} ({self.section})"


def read_requests(name: str) -> list[RecordedRequest]:
    """Every GraphQL request of one call file, in order."""
    requests: list[RecordedRequest] = []
    section = ""
    current: RecordedRequest | None = None
    reading = False
    for number, line in enumerate((RECORDINGS_DIR / name).read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("######## "):
            section = line.removeprefix("######## ")
        if line.startswith(_REQUEST):
            current = RecordedRequest(source=name, section=section, line=number)
            requests.append(current)
            reading = True
            continue
        if current is None:
            continue
        if line.startswith(_BODY):
            current.variables = json.loads(line.removeprefix(_BODY)).get("variables") or {}
        if line.startswith(_AFTER_DOCUMENT):
            reading = False
        elif reading:
            current.document_lines.append(line)
    return requests


def count_requests(name: str) -> int:
    """How many GraphQL requests the file records, counted independently of the parser above."""
    text = (RECORDINGS_DIR / name).read_text(encoding="utf-8")
    return sum(1 for line in text.splitlines() if line.startswith(_REQUEST))
