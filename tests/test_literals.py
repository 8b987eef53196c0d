"""No Swedish text in Python outside the catalogs (scripts/literals.py, run by scripts.layout)."""
from __future__ import annotations

from scripts import layout, literals

OFFENDING = '''"""Modul för sökning: a docstring may be Swedish."""
from flask_babel import gettext as _, lazy_gettext as _l

TITLE = _l("Sök bland åtgärder")
HEADERS = ["Användarnamn", "Status"]


def refuse(name):
    """Säg nej."""
    flash(_("Okänd användare: %(name)s", name=name))
    raise ValueError(f"Användaren {name} finns inte.")
'''


def test_finds_swedish_constants_outside_gettext_and_docstrings():
    hits = literals.find(OFFENDING)
    assert [(h.line, h.owner) for h in hits] == [(5, "HEADERS"), (11, "refuse")]
    assert hits[0].text == "Användarnamn" and hits[1].text.startswith("Användaren ")


def test_a_new_module_with_swedish_text_breaks_the_layout_rules(tmp_path):
    pkg = tmp_path / "shop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "errors.py").write_text(OFFENDING, encoding="utf-8")
    found = layout.problems(tmp_path)
    assert any(line.startswith("shop/errors.py:5: Swedish text") for line in found)
    assert any(line.startswith("shop/errors.py:11: Swedish text") for line in found)
    assert len([line for line in found if "Swedish" in line]) == 2


def test_declared_data_is_allowed_by_module_or_by_name(tmp_path):
    (tmp_path / "data.py").write_text(OFFENDING, encoding="utf-8")
    assert literals.problems(tmp_path, {"data.py": "demo"}) == []
    only_headers = literals.problems(tmp_path, {"data.py::HEADERS": "column names"})
    assert len(only_headers) == 1 and only_headers[0].startswith("data.py:11:")
    assert literals.stale(tmp_path, {"data.py::HEADERS": "x", "data.py::TITLE": "x", "gone.py": "x"}) == \
        ["data.py::TITLE", "gone.py"]


def test_the_tree_has_no_undeclared_swedish_text_and_no_stale_excuses():
    assert literals.problems() == []
    assert literals.stale() == []
    assert all(reason.strip() for reason in literals.ALLOWED.values())
