"""The house rules a newcomer can rely on, checked by `python -m scripts.layout`."""
from __future__ import annotations

from scripts import error_roots, layout


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


def test_two_unrelated_error_classes_in_a_package_break_a_rule(tmp_path):
    pkg = tmp_path / "shop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "operations.py").write_text("class ShopError(ValueError):\n    pass\n")
    (pkg / "payment.py").write_text("class PaymentFailure(Exception):\n    pass\n")
    found = layout.problems(tmp_path)
    assert any(line.startswith("shop/: 2 unrelated error classes") and "ShopError (shop/operations.py)" in line
               and "PaymentFailure (shop/payment.py)" in line for line in found), found


def test_error_classes_under_one_root_keep_the_rule(tmp_path):
    pkg = tmp_path / "shop"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "errors.py").write_text("class ShopError(Exception):\n    pass\n")
    # Through a module attribute, with an extra outside base, via another subclass, in a sub-package;
    # classes that are not exceptions (and an outside exception used without a package base) are no roots.
    (pkg / "payment.py").write_text(
        "from shop import errors\n\nclass PaymentFailure(errors.ShopError, RuntimeError):\n    pass\n\n"
        "class Declined(PaymentFailure):\n    pass\n\nclass Basket:\n    pass\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "stock.py").write_text("from shop.payment import Declined\n\nclass OutOfStock(Declined):\n"
                                          "    pass\n")
    assert layout.problems(tmp_path) == []
    assert [c.name for c in error_roots.roots(pkg, tmp_path)] == ["ShopError"]
    (pkg / "sub" / "stock.py").write_text("from ldap3.core.exceptions import LDAPException\n\n"
                                          "class OutOfStock(LDAPException):\n    pass\n")
    assert any("OutOfStock (shop/sub/stock.py)" in line for line in layout.problems(tmp_path))


def test_each_package_has_one_error_type():
    roots = {pkg.name: [c.name for c in error_roots.roots(layout.ROOT / pkg.name, layout.ROOT)]
             for pkg in layout.packages()}
    assert {name: found for name, found in roots.items() if found} == {
        "apt": ["AptError"], "auth": ["AuthError"], "campaign": ["PlanError"], "directory": ["DirectoryError"],
        "followup": ["FollowupError"], "invites": ["InviteError"], "lms": ["FileError"], "outbox": ["OutboxError"],
        "pulse": ["PulseError"], "training": ["TrainingError"],
    }
