"""Speed for batch paths only: the scheduler's jobs and CLI commands that handle a whole region.

Never use these on a web request path. Python's garbage collector is process-wide: pausing it
in one request of a threaded web worker pauses it for every other request in that process.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch builds its data.

    A region-sized run (a directory read of 55,000 people, an LMS report of 55,000 rows) keeps
    ~10^5 objects alive while allocating millions of short-lived ones; every full collection
    rescans all the live ones, which cost a third of the run (bench/directory_sync.py,
    bench/training.py). Nothing those runs build is cyclic, so reference counting frees it all
    the same; the collector resumes afterwards, also when the run fails."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
