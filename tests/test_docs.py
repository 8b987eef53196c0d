"""The docs stay true to the tree: links resolve, `docs/…` references in code exist, every setting
`config.py` reads is in docs/configuration.md, and the README's package map matches the packages."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _tracked(*patterns: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", *patterns],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if line and (ROOT / line).exists()]


def _markdown() -> list[Path]:
    return [p for p in _tracked("*.md") if "node_modules" not in p.parts]


@pytest.mark.parametrize("doc", _markdown(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(doc):
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)  # examples in code spans are not links
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor on the same page
        path = target.split("#", 1)[0]
        if not (doc.parent / path).exists():
            broken.append(target)
    assert not broken, f"{doc.relative_to(ROOT)} links to files that do not exist: {broken}"


def test_docs_references_in_code_exist():
    pattern = re.compile(r"\b(docs/[A-Za-z0-9_./-]+?\.(?:md|png|svg))")
    missing = set()
    for path in _tracked("*.py", "*.html", "*.sh", "Makefile", "*.toml", "*.cfg"):
        for ref in pattern.findall(path.read_text(encoding="utf-8", errors="replace")):
            if not (ROOT / ref).exists():
                missing.add(f"{path.relative_to(ROOT)}: {ref}")
    assert not missing, sorted(missing)


def _settings_in_config() -> set[str]:
    text = (ROOT / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r'(?:env|_int|_float|_bool|_minimum|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"', text))
    return names | {"LDAP_ATTR_<FIELD>"}  # read per field by directory/mapping.py


def _settings_in_docs() -> set[str]:
    listed: set[str] = set()
    for row in re.finditer(r"^\| (`[^|]+`) \|", (ROOT / "docs/configuration.md").read_text(encoding="utf-8"), re.M):
        listed |= set(re.findall(r"`([A-Z][A-Z0-9_<>]+)`", row.group(1)))
    return listed


def test_configuration_doc_lists_exactly_the_settings_config_reads():
    in_config, in_docs = _settings_in_config(), _settings_in_docs()
    assert not in_config - in_docs, f"settings missing from docs/configuration.md: {sorted(in_config - in_docs)}"
    assert not in_docs - in_config, f"docs/configuration.md lists settings config.py never reads: " \
                                    f"{sorted(in_docs - in_config)}"


def test_readme_package_map_matches_the_packages():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in ("tests",)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A map of the packages", 1)[1].split("\n## ", 1)[0]
    mapped = set(re.findall(r"^\| `([a-z_]+)/`", section, re.M))
    mapped |= set(re.findall(r"^\| `[a-z_]+/`, `([a-z_]+)/`", section, re.M))
    assert packages - {"migrations", "scripts"} <= mapped, f"packages missing from the README map: {sorted(packages - mapped)}"
    assert mapped <= packages | {"migrations", "bench"}, f"README maps folders that are not packages: {sorted(mapped - packages)}"


def test_readme_stays_a_front_door():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200
