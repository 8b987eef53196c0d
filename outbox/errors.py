"""The outbox package's one error type: every exception the package raises is an OutboxError
(mime.InvalidAddress and mime.HeaderInjection, which are also ValueErrors, and
transport.ConnectFailure and transport.DeliveryFailure), so a caller can catch one thing
(docs/architecture.md, "One error type per package"). Messages are plain English: they are
recorded as a message's failure reason for the admins and the logs, never shown as UI text."""
from __future__ import annotations


class OutboxError(Exception):
    """A message could not be built or sent; the message says why."""
