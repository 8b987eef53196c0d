"""Forms of the invitation pages: buttons only, so just the CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A POST button (register, unregister, new feed link, revoke, send invitations)."""
