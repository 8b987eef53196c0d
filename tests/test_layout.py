"""The house rules a newcomer can rely on, checked by `python -m scripts.layout`."""
from __future__ import annotations

from scripts import layout


def test_packages_are_listed_with_their_modules():
    names = {pkg.name for pkg in layout.packages()}
    assert {"auth", "directory", "training", "lms", "reminders", "outbox", "campaign", "invites"} <= names
    training = next(pkg for pkg in layout.packages() if pkg.name == "training")
    assert "training/status.py" in training.modules and training.modules["training/status.py"] > 0


def test_a_view_that_queries_or_a_long_module_breaks_a_rule(tmp_path):
    pkg = tmp_path / "shop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "views.py").write_text("def page():\n    rows = db.session.scalars(select(Item))\n    db.session.add(x)\n")
    (pkg / "queries.py").write_text("def items():\n    return select(Item)\n" + "x = 1\n" * 300)
    found = layout.problems(tmp_path)
    assert any("shop/views.py:2" in line for line in found)
    assert any("shop/views.py:3" in line for line in found)
    assert any(line.startswith("shop/queries.py: 302 lines") for line in found)
    assert not any("shop/queries.py:" in line and "view" in line for line in found)



def test_the_tree_keeps_the_rules():
    assert layout.problems() == []


def test_a_long_benchmark_script_breaks_a_rule(tmp_path):
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "huge.py").write_text("x = 1\n" * 301)
    assert "bench/huge.py: 301 lines (at most 300)" in layout.problems(tmp_path)
