"""Hostile values and checks shared by the hostile-input tests."""

from __future__ import annotations

import os

import httpx

from tests.faults.figures import Figures, fault_rounds

__all__ = ["BREAKOUTS", "EXAMPLES", "check_answer"]

# Strings that would end a Cypher literal, identifier, map or parameter if they were ever
# formatted into a query instead of passed as parameters; and unicode that trips naive code.
BREAKOUTS = [
    "'", '"', "`", "\\", "})", "'}) DETACH DELETE n //", '"}) MATCH (n) DETACH DELETE n //',
    "`) DETACH DELETE n //", "$param", "${x}", "{value: 1}", "x\" OR 1=1 --", "a\\u0027b",
    "name`: 1}) RETURN 1 //", "\u0000", "\u202e\u0041", "\ud7ff\ue000", "😀" * 20, "𝕏\u0301\u0302",
    "\n\r\t", "MATCH (n) RETURN n", "CALL db.labels()", "/* */", "*/ RETURN 1 /*", "]}]}]}",
]

EXAMPLES = int(os.environ.get("STRATA_FAULT_EXAMPLES", "0")) or 40 * fault_rounds()


def check_answer(response: httpx.Response, figures: Figures, what: str) -> None:
    """Counted as an input tried; a 5xx is counted and fails; an error answer must say why."""
    figures.inputs_tried += 1
    if response.status_code >= 500:
        figures.server_errors += 1
        raise AssertionError(f"{what}: {response.status_code} {response.text[:500]}")
    if response.status_code >= 400:
        body = response.json()
        assert body.get("errors") or body.get("detail"), f"{what}: an error answer without a reason: {body}"
