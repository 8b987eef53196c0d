"""Speed for batch paths and long-running processes, never for a single request.

Python's garbage collector is process-wide: pausing it in one request of a threaded web
worker would pause it for every other request in that process. `collector_paused` is for the
scheduler's jobs and CLI commands that handle a whole region; `freeze_loaded_app` for the
start of a long-running process (a gunicorn worker, the scheduler), before it serves anything.
"""
from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Libraries the app imports where they are used, not at start (docs/architecture.md,
#: decision 13); a long-running process loads them before it freezes (`freeze_loaded_app`).
LOADED_ON_USE = ("openpyxl", "holidays", "markdown")

_pauses = 0
_enabled_before = False
_pauses_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch builds its data.

    A region-sized run (a directory read of 55,000 people, an LMS report of 55,000 rows, a
    status recompute) keeps ~10^5 objects alive while allocating millions of short-lived ones;
    every full collection rescans all the live ones, which cost a third of the run
    (bench/directory_sync.py, bench/training.py, docs/performance.md). Nothing those runs
    build is cyclic, so reference counting frees it all the same. Pauses nest and overlap (the
    scheduler runs jobs in threads): the collector resumes when the last one ends, also when a
    run fails, and only if it was on when the first began."""
    global _pauses, _enabled_before
    with _pauses_lock:
        if _pauses == 0:
            _enabled_before = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _enabled_before:
                gc.enable()


def freeze_loaded_app() -> int:
    """Move everything the process holds now into the collector's permanent generation
    (`gc.freeze`), after loading the libraries the app would otherwise import on first use;
    returns how many objects are frozen.

    A process that has loaded Vaksam holds about 190,000 objects (modules, classes, functions,
    the URL map, the libraries above), alive as long as the process; a full collection rescanned them all, and a
    55,000-row export set one off that held all four threads of its gunicorn worker for
    120-140 ms. Frozen, they are skipped; collection goes on as usual for everything created
    afterwards. Call it once the app is loaded and before the process serves anything."""
    for name in LOADED_ON_USE:
        importlib.import_module(name)
    gc.freeze()
    return gc.get_freeze_count()
