"""Pausing Python's cyclic garbage collector while a synchronous step builds many small objects.

Decoding and diffing 10,000 records allocates hundreds of thousands of dicts; each allocation
burst triggers collections that walk every live container again (a third of a diff's CPU
time, measured). Nothing built in such a step forms cycles, so collection can wait until the
step ends. Only for code without awaits inside: the pause covers this thread alone.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["gc_paused"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
