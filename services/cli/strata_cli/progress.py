"""Progress for long operations: a live rich bar with the rate on a terminal, periodic lines
otherwise (logs and pipes stay readable)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, ProgressColumn, Task, TaskProgressColumn, TimeElapsedColumn
from rich.text import Text

__all__ = ["Progress"]


class _RateColumn(ProgressColumn):
    """Events per second since the start (rich's own speed column averages a short window)."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.0f} ev/s", style="progress.data.speed")


class Progress:
    def __init__(self, label: str, total: int, *, stream: TextIO | None = None) -> None:
        self._label = label
        self._total = total
        self._done = 0
        self._started = time.monotonic()
        self._last_print = self._started  # off a terminal: a line every 5 s, and one at the end
        self._out: TextIO = sys.stderr if stream is None else stream
        self._bar: RichProgress | None = None
        if self._out.isatty():
            self._bar = RichProgress(
                "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                TaskProgressColumn(), _RateColumn(), TimeElapsedColumn(),
                console=Console(file=self._out), transient=False,
            )  # fmt: skip
            self._task = self._bar.add_task(label, total=total)
            self._bar.start()

    @property
    def done(self) -> int:
        return self._done

    def advance(self, count: int) -> None:
        self._done += count
        if self._bar is not None:
            self._bar.update(self._task, completed=self._done)
            return
        now = time.monotonic()
        if now - self._last_print >= 5.0:
            self._last_print = now
            self._line()

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self._done)
            self._bar.stop()
            return
        self._line()

    def _line(self) -> None:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        pct = 100.0 * self._done / self._total if self._total else 100.0
        text = f"{self._label}: {self._done}/{self._total} ({pct:5.1f}%) {self._done / elapsed:,.0f}/s"
        print(text, file=self._out, flush=True)
