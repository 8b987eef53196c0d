"""The English catalog is complete, keeps its placeholders and compiles.

The UI source strings are Swedish; English comes from
translations/en/LC_MESSAGES/messages.po. These tests re-extract the messages from the
current source (same options as `make extract-messages`), so a UI string added without
an English translation fails here rather than showing up in Swedish on the English site.
No app fixture is needed.
"""
from __future__ import annotations

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
EN_PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# Keep in step with the `extract-messages` target in the Makefile.
EXTRACT_ARGS = ["-F", "babel.cfg", "--no-location", "--sort-output", "-k", "_l", "-k", "lazy_gettext"]
HINT = ("Run `make extract-messages`, then fill in msgstr for these in "
        "translations/en/LC_MESSAGES/messages.po.")

# A named %-conversion such as %(name)s or %(count)d, kept whole so that a changed
# conversion type counts as a different placeholder.
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _forms(value) -> tuple[str, ...]:
    """The text(s) of a msgid or msgstr: a plain string, or a tuple for plural forms."""
    if isinstance(value, (tuple, list)):
        return tuple(v or "" for v in value)
    return (value or "",)


def _show(msgid) -> str:
    return repr(msgid if isinstance(msgid, str) else msgid[0])


@pytest.fixture(scope="module")
def en_catalog():
    return _read(EN_PO)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages in the source as it is now, extracted into a temporary template."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    proc = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", *EXTRACT_ARGS, "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, f"pybabel extract failed:\n{proc.stdout}\n{proc.stderr}"
    template = _read(pot)
    assert len([m for m in template if m.id]) > 0, "extraction found no messages"
    return template


def test_every_source_message_has_an_english_translation(extracted, en_catalog):
    missing = []
    for message in extracted:
        if not message.id:
            continue
        entry = en_catalog.get(message.id, message.context)
        if entry is None or not all(s.strip() for s in _forms(entry.string)):
            missing.append(_show(message.id))
    assert not missing, (
        f"{len(missing)} UI string(s) have no English translation:\n  "
        + "\n  ".join(missing) + f"\n{HINT}"
    )


def test_english_keeps_every_placeholder(en_catalog):
    broken = []
    for message in en_catalog:
        if not message.id:
            continue
        ids = _forms(message.id)
        for i, text in enumerate(_forms(message.string)):
            if not text:
                continue  # an empty msgstr is reported by the completeness test
            source = ids[min(i, len(ids) - 1)]
            want, got = sorted(set(PLACEHOLDER.findall(source))), sorted(set(PLACEHOLDER.findall(text)))
            if want != got:
                broken.append(f"{_show(message.id)}: expected {want}, found {got} in {text!r}")
    assert not broken, "English translations with changed placeholders:\n  " + "\n  ".join(broken)


def test_english_catalog_has_no_babel_errors(en_catalog):
    # Babel's own checkers: python-format consistency and plural-form counts.
    problems = [f"{_show(message.id)}: {'; '.join(str(e) for e in errors)}"
                for message, errors in en_catalog.check()]
    assert not problems, "\n".join(problems)


def test_compiled_english_catalog_translates(en_catalog, tmp_path):
    mo = tmp_path / "messages.mo"
    with mo.open("wb") as f:
        write_mo(f, en_catalog)
    with mo.open("rb") as f:
        translations = gettext.GNUTranslations(f)
    # Message ids are passed through variables so the extractor does not pick them up.
    login, greeting = "Logga in", "Hej %(name)s!"
    assert translations.gettext(login) == "Log in"
    assert "Ann" in translations.gettext(greeting) % {"name": "Ann"}
    assert translations.info().get("language") == "en"
