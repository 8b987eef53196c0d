"""`jobs.batch`: the collector's pause for batch work (nested and overlapping, as the
scheduler's threads run jobs) and the freeze of a long-running process's loaded app."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading

import pytest

import config
from jobs.batch import collector_paused


def test_pauses_nest_and_the_collector_resumes_when_the_last_one_ends():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner one ending does not resume it under the outer one
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a failed run")
    assert gc.isenabled()


def test_overlapping_pauses_in_two_threads_resume_the_collector_only_after_both():
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first():
        with collector_paused():
            first_in.set()
            second_in.wait(10)
        first_out.set()

    def second():
        first_in.wait(10)
        with collector_paused():
            second_in.set()
            first_out.wait(10)
            seen.append(gc.isenabled())  # the first job has finished; this one still runs

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert seen == [False] and gc.isenabled()


def test_a_pause_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_freezing_loads_the_on_use_libraries_first_and_keeps_collecting():
    """In a fresh interpreter (freezing this one would keep its garbage)."""
    code = ("import gc, sys; from app import create_app; create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
            "from jobs.batch import LOADED_ON_USE, freeze_loaded_app; "
            "print(freeze_loaded_app() == gc.get_freeze_count() > 100_000, gc.isenabled(), "
            "all(m in sys.modules for m in LOADED_ON_USE))")
    env = {**os.environ, "SECRET_KEY": "x" * 40, "DEMO_MODE": "0"}
    done = subprocess.run([sys.executable, "-c", code], cwd=config.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "True", "True"]
