"""The follow-up package's one error type: every refusal in the package is a FollowupError (or a
subclass such as uploads.UploadRefused), so a caller catches one thing and translates its `code`
with followup.labels (docs/architecture.md, "One error type per package")."""
from __future__ import annotations


class FollowupError(Exception):
    """Refused input; `code` is a key of followup.labels.ERRORS, `field` the form field it is about."""

    def __init__(self, code: str, field: str | None = None):
        super().__init__(code)
        self.code, self.field = code, field
