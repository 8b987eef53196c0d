"""The benchmark scripts stay runnable: `make bench` runs them from a clean clone, and a script
whose helper moved (bench/dirsync/ was split out of bench/directory_sync.py) would only fail
there, minutes into a run. Importing each one is cheap and catches that; the scripts build
nothing and start no service at import."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


def _make_benchmarks() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return re.search(r"^BENCHMARKS := (.+)$", makefile, re.M).group(1).split()


def test_make_bench_names_only_scripts_that_exist():
    names = _make_benchmarks()
    assert {"directory_sync", "pages", "load"} <= set(names)
    assert [n for n in names if not (BENCH / f"{n}.py").is_file()] == []


@pytest.mark.parametrize("module", sorted(p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
                                          for p in BENCH.rglob("*.py") if p.name != "__init__.py"))
def test_every_bench_module_imports(module):
    loaded = importlib.import_module(module)
    if Path(loaded.__file__).stem in _make_benchmarks():
        assert callable(getattr(loaded, "main", None)), f"{module} has no main()"
