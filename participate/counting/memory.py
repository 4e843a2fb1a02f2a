"""Pausing Python's cyclic garbage collector while the engine builds large acyclic data.

Reading a file and counting create hundreds of thousands of small containers (ballots, tuples, dicts,
Fractions) and no reference cycle. The cyclic collector, triggered again and again while they are created,
walks all of them each time: on Warsaw 2026 that costs as much as the reading itself. Reference counting
still frees everything as usual; the collector runs again once the block is left."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
