"""Shared fixtures: the training course and completions (tests/training/conftest.py)."""
from tests.training.conftest import complete, course  # noqa: F401
