"""The directory package's one error type. Every exception the package raises derives from
DirectoryError (client.IncompleteRead, dn.DNError, mapping.MappingError, runs.SyncRefused), so a
caller catches one thing (docs/architecture.md, "One error type per package"). Messages are plain
English for the CLI, the logs and the admins' sync history."""
from __future__ import annotations


class DirectoryError(Exception):
    """The directory could not be used; the message says why in plain words."""
