"""Files Vaksam keeps under its instance folder (the SQLite database, the secret key,
upload previews, follow-up evidence, demo mail): readable by the app's own user only.
Directories are created 0700 and files 0600 from the first byte, whatever the umask."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path | str) -> Path:
    """Create `path` (and any missing parents) as 0700 directories; tighten it if it exists."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:  # made by another worker meanwhile
            pass
    try:
        os.chmod(path, DIR_MODE)
    except PermissionError:  # not ours (a mounted volume); leave it to the operator
        pass
    return path


def write_private(path: Path | str, data: bytes) -> None:
    """Write `data` to `path` as a 0600 file, atomically (a reader never sees half a file)."""
    path = Path(path)
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # an older leftover tmp file keeps its mode through O_TRUNC
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def create_private(path: Path | str, data: bytes) -> None:
    """Write a new 0600 file; fails with FileExistsError if it exists (random names, keys)."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def secure_sqlite_file(database_uri: str, instance_dir: str | None = None) -> None:
    """Create a SQLite database file 0600 before SQLite does with 0644 (SQLite gives its
    journal and WAL files the database file's mode). The instance folder is created 0700
    when the database lives there (the default); any other missing folder stays missing:
    that is a configuration error the health check reports."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if instance_dir and path.parent == Path(instance_dir):
        private_dir(path.parent)
    if not path.parent.is_dir():
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    try:
        os.chmod(path, FILE_MODE)
    except PermissionError:
        pass
