"""Checks shared by the invitation tests: libical as an independent parser, and the byte-level
rules of an iCalendar file (CRLF, 75-octet folding without broken UTF-8)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

HELPER = Path(__file__).with_name("libical_check.py")
#: libical loads only in Debian's Python (python3-gi, gir1.2-ical-3.0), not in the venv.
SYSTEM_PYTHON = "/usr/bin/python3"


def libical(*calendars: bytes, tmp_path: Path) -> list[dict]:
    """Parse each calendar with libical and run its iTIP restriction check; one dict per calendar."""
    paths = []
    for i, data in enumerate(calendars):
        path = tmp_path / f"check-{i}.ics"
        path.write_bytes(data)
        paths.append(str(path))
    done = subprocess.run([SYSTEM_PYTHON, str(HELPER), *paths], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return json.loads(done.stdout)


def assert_valid(result: dict) -> dict:
    """No parse errors, no iTIP restriction failures."""
    assert result["errors"] == [], result["errors"]
    return result


def assert_wire_format(data: bytes) -> list[bytes]:
    """CRLF line ends only, every line ≤ 75 octets, valid UTF-8 on every physical line."""
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "bare CR"
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # a fold inside a multi-byte character would fail here
    return lines


def unfold(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def prop_lines(data: bytes, name: str) -> list[str]:
    """The unfolded content lines of one property ("ATTENDEE", "METHOD", …)."""
    return [line for line in unfold(data).split("\r\n") if line.split(";")[0].split(":")[0] == name]
