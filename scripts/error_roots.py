"""One error type per package (docs/architecture.md): every exception class a package defines
derives, directly or through other classes of the same package, from the package's one root.

Static, with `ast` (nothing is imported). A class is an exception class when one of its bases is
a built-in exception, a name from outside the package ending in "Error" or "Exception" (a
library's, another package's), or an exception class of the same package. Bases are resolved by
their last name (`errors.PlanError` and `PlanError` alike) within the package. A package base
makes a class a child: extra outside bases (`class DNError(DirectoryError, ValueError)`) are fine.
"""
from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from pathlib import Path

BUILTIN_EXCEPTIONS = frozenset(name for name, value in vars(builtins).items()
                               if isinstance(value, type) and issubclass(value, BaseException))
FOREIGN_SUFFIXES = ("Error", "Exception")


@dataclass(frozen=True)
class ClassInfo:
    name: str
    #: The module it is defined in, relative to the tree's root ("directory/dn.py").
    module: str
    #: The last name of each base ("ValueError", "DirectoryError" for `errors.DirectoryError`).
    bases: tuple[str, ...]


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):  # Generic[...] and the like
        return _last_name(node.value)
    return None


def classes(package: Path, root: Path) -> list[ClassInfo]:
    """Every class defined anywhere in the package (nested ones included)."""
    found = []
    for module in sorted(package.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = tuple(name for name in map(_last_name, node.bases) if name)
                found.append(ClassInfo(node.name, str(module.relative_to(root)), bases))
    return found


def error_classes(package: Path, root: Path) -> tuple[list[ClassInfo], set[str]]:
    """The package's exception classes, and the names of those (to resolve bases by name)."""
    defined = classes(package, root)
    local = {c.name for c in defined}
    names: set[str] = set()
    changed = True
    while changed:  # until no class joins: a base may be defined after its subclass
        changed = False
        for c in defined:
            if c.name in names:
                continue
            if any(b in names or b in BUILTIN_EXCEPTIONS or (b not in local and b.endswith(FOREIGN_SUFFIXES))
                   for b in c.bases):
                names.add(c.name)
                changed = True
    return [c for c in defined if c.name in names], names


def roots(package: Path, root: Path) -> list[ClassInfo]:
    """The package's exception classes that derive from no exception class of the package."""
    errors, names = error_classes(package, root)
    return [c for c in errors if not any(b in names and b != c.name for b in c.bases)]


def problems(packages: list[Path], root: Path) -> list[str]:
    found = []
    for package in packages:
        top = roots(package, root)
        if len(top) > 1:
            listed = ", ".join(f"{c.name} ({c.module})" for c in top)
            found.append(f"{package.name}/: {len(top)} unrelated error classes: {listed}; every error class "
                         f"derives from the package's one root (docs/architecture.md)")
    return found
