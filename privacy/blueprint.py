"""The privacy blueprint: retention overview, register extract and record of processing
(admins), and "what Vaksam knows about you" (everyone signed in). Routes in views.py."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("privacy", __name__)
