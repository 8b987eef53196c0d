"""The auth package's one error type: every exception the package raises is an AuthError
(oidc.SignInError and oidc_operations.LogoutTokenError are subclasses), so a caller catches one
thing. `code` picks the UI text (auth.labels.ERRORS; the sign-in page picks its own by
SignInError.reason, which is the code), the message is English for the CLI, the logs and the
audit log (docs/architecture.md, "One error type per package")."""
from __future__ import annotations


class AuthError(Exception):
    """A refused account change. `code` picks the Swedish text in the UI (auth.labels.ERRORS, with
    `params`); the message is English (CLI)."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code, self.params = code, params
