"""The APT blueprint; views.py adds its routes."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("apt", __name__)
