"""How a job runs: the one setting shared by the CLI and the Excel buttons."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def batch_mode() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector for one job.

    A refresh makes millions of small objects (cells, tuples, rows) and keeps nearly all of them
    to the end. The collector would walk them again and again as they pile up — about half a
    second at a parent branch's size — and none of them form cycles that only it could free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
