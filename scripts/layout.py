"""The packages at a glance, checked against the house rules.

    python -m scripts.layout            # list packages and module sizes; exit 1 on a broken rule
    python -m scripts.layout --quiet    # only the broken rules

Rules (docs/architecture.md): no module over 300 lines outside tests and migrations (benchmark
scripts in bench/ included); views (`views.py`, `*_views.py`, `blueprint.py`) parse, call and render — they build no queries and
write nothing themselves (`select(`, `db.session.add/delete/execute/scalar(s)/get`, Core insert/
update/delete); reads go in `queries.py`, writes in `operations.py`, and views use `db.get_or_404`;
no Swedish text in Python outside `_()`/`_l()` and the declared data (scripts/literals.py);
one error type per package: every exception class derives from the package's one root
(scripts/error_roots.py).
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scripts import error_roots, literals

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 300
SKIP = {"tests", "migrations", "bench", ".venv", "node_modules", "scripts"}
#: Over MAX_LINES for now, each with the reason (empty: every module keeps the rule).
LONG_ALLOWED: set[str] = set()
VIEW_FILE = re.compile(r"(^views|_views|^blueprint)\.py$")
#: What a view may not do itself (a query or a write through the session).
FORBIDDEN = re.compile(
    r"\bselect\(|db\.session\.(?:add|add_all|delete|execute|scalar|scalars|get|query|merge)\(|"
    r"\b(?:insert|update|delete)\(\s*[A-Z]")


@dataclass
class Package:
    name: str
    modules: dict[str, int] = field(default_factory=dict)


def packages(root: Path = ROOT) -> list[Package]:
    found = []
    for init in sorted(root.glob("*/__init__.py")):
        if init.parent.name in SKIP:
            continue
        pkg = Package(init.parent.name)
        for module in sorted(init.parent.rglob("*.py")):
            pkg.modules[str(module.relative_to(root))] = len(module.read_text(encoding="utf-8").splitlines())
        found.append(pkg)
    return found


def top_level_modules(root: Path = ROOT) -> dict[str, int]:
    return {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in sorted(root.glob("*.py"))}


def bench_scripts(root: Path = ROOT) -> dict[str, int]:
    return {str(p.relative_to(root)): len(p.read_text(encoding="utf-8").splitlines())
            for p in sorted((root / "bench").rglob("*.py"))}


def problems(root: Path = ROOT) -> list[str]:
    found = []
    sizes = dict(top_level_modules(root))
    sizes.update(bench_scripts(root))
    for pkg in packages(root):
        sizes.update(pkg.modules)
    for name, lines in sorted(sizes.items()):
        if lines > MAX_LINES and name not in LONG_ALLOWED:
            found.append(f"{name}: {lines} lines (at most {MAX_LINES})")
        if VIEW_FILE.search(Path(name).name):
            for number, line in enumerate((root / name).read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if FORBIDDEN.search(code):
                    found.append(f"{name}:{number}: a view queries or writes: {line.strip()}")
    found += error_roots.problems([root / pkg.name for pkg in packages(root)], root)
    return found + literals.problems(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quiet", action="store_true", help="print only the broken rules")
    args = parser.parse_args(argv)
    if not args.quiet:
        for pkg in packages():
            total = sum(pkg.modules.values())
            errors = ", ".join(c.name for c in error_roots.roots(ROOT / pkg.name, ROOT)) or "none"
            print(f"{pkg.name}/  {len(pkg.modules)} modules, {total} lines, error type: {errors}")
            for name, lines in pkg.modules.items():
                print(f"  {Path(name).name:<28} {lines:>4}")
    found = problems()
    for line in found:
        print(f"RULE: {line}")
    if not args.quiet:
        print(f"{len(found)} broken rules" if found else "all rules hold")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
