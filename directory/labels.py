"""The UI words for the directory's stored keys (Swedish msgids; English from the catalog)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: DirectorySyncRun.outcome.
RUN_OUTCOMES = {
    "requested": _l("Begärd"),
    "running": _l("Pågår"),
    "ok": _l("Klar"),
    "failed": _l("Misslyckades"),
    "refused": _l("Stoppad av säkerhetskontrollen"),
}


def run_outcome_label(outcome: str) -> str:
    return str(RUN_OUTCOMES.get(outcome, outcome))
