"""No Swedish text in Python outside the translation catalogs (issue 14).

    python -m scripts.literals      # list Swedish string constants that are neither translated nor declared data

UI text is a Swedish msgid in `_()`/`_l()` (flask_babel) with its English msgstr in
translations/en/LC_MESSAGES/messages.po. A string constant with å, ä or ö anywhere else — outside
gettext calls and docstrings — is either a mistake or data (demo people, LMS column names, stored
KPI names, a document Swedish by law). Data is declared in ALLOWED below, with the reason, either
for a whole module ("demo/region.py") or for one top-level name in it ("lms/files.py::_SYNONYMS":
the function, class or assigned name the string sits in). `python -m scripts.layout` runs this too.
"""
from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"tests", "migrations", "bench", ".venv", "node_modules", "translations"}
SWEDISH = re.compile(r"[åäöÅÄÖ]")
GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext", "npgettext"}

_DEMO = "demo data: invented people, units, campaigns and texts, Swedish like the region they imitate"
_PLACEHOLDERS = "mail placeholders ({förnamn}, {kurslänk}, …): the keys people type in the texts, Swedish by design"
_STORED = "stored in the database as data (history notes, KPI names and notes), Swedish like the rest of the record"

#: Swedish constants that are data, not UI text: "module" or "module::top-level name" -> why.
ALLOWED: dict[str, str] = {
    "demo/region.py": _DEMO,
    "demo/campaign.py": _DEMO,
    "demo/pulse.py": _DEMO,
    "demo/invites.py": _DEMO,
    "demo/dates.py": _DEMO,
    "demo/directory.py": _DEMO + " (the demo directory's service-account DN)",
    "followup/demo.py": _DEMO,
    "training/demo.py": _DEMO + " (and the demo LMS report, with its Swedish headers and status words)",
    "lms/files.py::_SYNONYMS": "LMS column headers the parser matches (Swedish and English exports)",
    "lms/files.py::_STATUS_WORDS": "LMS status words the parser matches (Swedish and English exports)",
    "lms/files.py::find_columns": "English CLI message naming the Swedish column headers the file must have",
    "lms/reader.py::_collect": "English CLI message naming a Swedish column header the file must have",
    "lms/openapi.py": "an example course name in the API document (the course names are Swedish data)",
    "training/cli_setup.py": "an example course name in CLI help (the course names are Swedish data)",
    "reminders/defaults.py": "the default mail texts, one per language (sv and en), stored and edited as data",
    "reminders/texts.py::PLACEHOLDERS": _PLACEHOLDERS,
    "reminders/texts.py::LINKS": _PLACEHOLDERS,
    "reminders/texts.py::STATUS_WORDS": "status words in the recipient's language (sv and en), not the UI's",
    "reminders/texts.py::format_minutes": "course length in the recipient's language (sv and en), not the UI's",
    "reminders/texts.py::employee_values": _PLACEHOLDERS,
    "reminders/texts.py::list_values": _PLACEHOLDERS,
    "reminders/texts.py::renewal_values": _PLACEHOLDERS,
    "reminders/views.py::PLACEHOLDER_HELP": _PLACEHOLDERS,
    "campaign/audience.py::STATUS_WORDS": "status words put into a Swedish plan message body, data like the text",
    "campaign/audience.py::training_values": _PLACEHOLDERS,
    "campaign/markup.py": _PLACEHOLDERS,
    "campaign/preview.py": _PLACEHOLDERS,
    "campaign/sending.py": _PLACEHOLDERS,
    "campaign/operations.py::SELF_APPROVED": _STORED,
    "campaign/operations.py::update_message": _STORED,
    "campaign/activities.py::copy_to_next_year": _STORED,
    "followup/kpis.py::STANDARD": _STORED,
    "followup/kpi_sources.py::NO_PULSE": _STORED,
    "models/campaign.py::THEMES_2024": "default theme names offered for a new campaign, stored as its data",
    "config.py::from_env": "default values of settings (channel names, a mail folder name) that admins may change",
    "invites/mailbox.py": "the default IMAP folder name for unreadable replies (a setting's default)",
    "outbox/cli.py": "the test mail's subject and body, Swedish and English in one message",
    "outbox/outage.py::_alert": "the outage alert mail (subject and body), Swedish and English in one message, "
                                "sent by a job to addresses without a language",
    "privacy/documents.py": "the record of processing (GDPR art. 30) and the register extract: Swedish documents "
                            "by law and purpose",
    "scripts/literals.py": "this checker: its character class and the reasons above",
    "scripts/screenshots.py": "labels of the Swedish log-in form the screenshot script fills in",
    # Left to the pulse/APT helper (issue 14: they own pulse/ and apt/ this session).
    "pulse/results.py::to_csv": "CSV column headers; moving them to the catalog is the pulse branch's",
}


@dataclass(frozen=True)
class Hit:
    line: int
    owner: str
    text: str


def _owner(stmt: ast.stmt) -> str:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return stmt.name
    targets = stmt.targets if isinstance(stmt, ast.Assign) else \
        [stmt.target] if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) else []
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    return names[0] if names else ""


def find(source: str) -> list[Hit]:
    """Swedish string constants in `source` outside gettext calls and docstrings."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in GETTEXT:
                skipped.update(id(n) for n in ast.walk(node))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
    hits = []
    for stmt in tree.body:
        owner = _owner(stmt)
        for node in ast.walk(stmt):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped \
                    and SWEDISH.search(node.value):
                hits.append(Hit(node.lineno, owner, node.value))
    return sorted(hits, key=lambda h: h.line)


def modules(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if not SKIP & set(p.relative_to(root).parts[:-1]))


def problems(root: Path = ROOT, allowed: dict[str, str] | None = None) -> list[str]:
    """One line per Swedish constant that is neither translated nor declared in `allowed`."""
    allowed = ALLOWED if allowed is None else allowed
    found = []
    for path in modules(root):
        name = path.relative_to(root).as_posix()
        if name in allowed:
            continue
        for hit in find(path.read_text(encoding="utf-8")):
            if f"{name}::{hit.owner}" not in allowed:
                found.append(f"{name}:{hit.line}: Swedish text outside _()/_l(): {hit.text[:50]!r}")
    return found


def stale(root: Path = ROOT, allowed: dict[str, str] | None = None) -> list[str]:
    """Entries of `allowed` that no longer excuse anything (the module or the name has no Swedish text)."""
    allowed = ALLOWED if allowed is None else allowed
    found = []
    for key in sorted(allowed):
        name, _sep, owner = key.partition("::")
        path = root / name
        hits = find(path.read_text(encoding="utf-8")) if path.is_file() else []
        if not any(not owner or hit.owner == owner for hit in hits):
            found.append(key)
    return found


def main() -> int:
    found = problems()
    for line in found:
        print(f"RULE: {line}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
