"""Progress for long operations: a live bar on a terminal, periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    def __init__(self, label: str, total: int, *, stream: TextIO | None = None) -> None:
        self._label = label
        self._total = total
        self._done = 0
        self._started = time.monotonic()
        self._last_print = 0.0
        self._out: TextIO = sys.stderr if stream is None else stream
        self._tty = self._out.isatty()

    def advance(self, count: int) -> None:
        self._done += count
        now = time.monotonic()
        interval = 0.1 if self._tty else 5.0
        if now - self._last_print >= interval:
            self._last_print = now
            self._render(final=False)

    def finish(self) -> None:
        self._render(final=True)

    def _render(self, *, final: bool) -> None:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self._done / elapsed
        pct = 100.0 * self._done / self._total if self._total else 100.0
        text = f"{self._label}: {self._done}/{self._total} ({pct:5.1f}%) {rate:,.0f}/s"
        end = "\n" if final or not self._tty else ""
        prefix = "\r" if self._tty else ""
        print(prefix + text, end=end, file=self._out, flush=True)
