"""The invites package's one error type: every exception the package raises is an InviteError
(itip.Unreadable, mailbox.MailboxError, recurrence.RecurrenceError are subclasses), so a caller
catches one thing; `code` picks the UI text (invites.labels, or campaign.labels for recurrence
rules), the message is English for the CLI and the logs (docs/architecture.md, "One error type
per package")."""
from __future__ import annotations


class InviteError(ValueError):
    """A refused invitation action; `code` is a key of invites.labels.ERRORS."""

    def __init__(self, code: str, *, message: str | None = None):
        super().__init__(message or code)
        self.code = code
