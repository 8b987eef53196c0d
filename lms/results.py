"""What an LMS import found: the counts and problem rows, and the English reasons (CLI, JSON)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lms.files import FileError

#: Why a row is invalid, in English (CLI, JSON); the UI has Swedish texts for the codes.
REASONS = {
    "no_identifier": "no employee number, user name or e-mail",
    "unknown_status": "unknown status {value!r}",
    "unknown_course": "unknown course {value!r}",
    "other_course": "course {value!r} is not the chosen course",
    "no_version": "no version of the course was published by {value}",
    "missing_date": "completed without a completion date",
    "bad_date": "unreadable date {value!r}",
    "future_date": "completion date {value} is in the future",
    "old_date": "implausible completion date {value}",
}


@dataclass
class ImportResult:
    ok: bool = True
    dry_run: bool = False
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    unmatched: list[int] = field(default_factory=list)
    ambiguous: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    #: [{"row", "code", "value"}]
    invalid: list[dict] = field(default_factory=list)
    #: Every problem row, for the screen and the downloadable CSV.
    problems: list[dict] = field(default_factory=list)
    batch_id: int | None = None
    #: The people the import added completions for (their cached statuses are refreshed).
    person_ids: set[int] = field(default_factory=set)
    #: Set when the file was refused as a whole.
    error: FileError | None = None
    filename: str = ""
    sha256: str = ""

    @property
    def problem_count(self) -> int:
        return len(self.problems)

    def as_json(self) -> dict:
        """Exactly the keys the command line promises."""
        return {
            "ok": self.ok, "dry_run": self.dry_run, "rows": self.rows, "imported": self.imported,
            "unchanged": self.unchanged, "unmatched": self.unmatched, "ambiguous": self.ambiguous,
            "duplicates": self.duplicates,
            "invalid": [{"row": p["row"], "reason": reason_en(p["code"], p["value"])} for p in self.invalid],
        }


def reason_en(code: str, value) -> str:
    return REASONS.get(code, code).format(value=value)
