"""The campaign package's one error type. Every refusal in the package is a PlanError (or one of
its subclasses, defined next to the code that raises them), so a caller catches one thing and
translates its `code` with campaign.labels.ERRORS (docs/architecture.md, "One error type per package")."""
from __future__ import annotations


class PlanError(ValueError):
    """A refused write; `code` is a key of campaign.labels.ERRORS, `field` the form field if any.
    The message is the code, or English detail for logs and the CLI."""

    def __init__(self, code: str, field: str | None = None, *, message: str | None = None):
        super().__init__(message or code)
        self.code = code
        self.field = field
