"""What keeps the suite inside its 15 minutes (CI's budget on two cores) without changing what a
test checks. Each trick is test-only and says why it cannot change a result.

1. Werkzeug builds every URL rule's two URL builder functions eagerly, with `ast` and
   `compile()`, when the rule is added: about 70 % of `create_app()`, which the `app` fixture
   calls for every test (~4,000 times a run). `lazy_url_builders()` builds each one the first
   time it is used instead: the same Werkzeug code makes the same function from the same rule,
   only later, and most rules are never built in a test. Production keeps Werkzeug's eager
   compile (one app per process).
2. Loading the demo takes 5-12 s, and eight tests (sixteen runs, both backends) only read a
   loaded demo. `DemoSnapshot` loads it once per backend, test process, day and the settings
   the load reads, keeps a copy of the database, and puts the copy back for the next test that
   asks (`loaded_demo` fixture): the same rows the load wrote, copied by the benchmarks'
   `bench.snapshot.Snapshot`. The tests of loading itself (idempotence, dates, the mail
   folder) still call `load_demo()`. A restored copy keeps the
   load's timestamps: under a clock that restarts at the same instant (`on_demo_day`), rows can
   lie seconds ahead of "now" (the demo's queued mail is then not yet due).
3. After each test the PostgreSQL tables are emptied; `empty_postgres_tables` truncates only
   those with rows and restarts only the sequences used, the same end state as truncating all.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

from bench.snapshot import Snapshot

#: Settings `load_demo()` reads into the rows it writes (mail bodies, dates, pulse groups): a
#: copy is reused only under the same values.
LOAD_READS = ("BASE_URL", "TIMEZONE", "PULSE_REPORT_LEVEL", "DEMO_MODE")


def lazy_url_builders() -> None:
    """Patch `werkzeug.routing.Rule._compile_builder` to defer the build to the first call."""
    from werkzeug.routing.rules import Rule

    eager = Rule._compile_builder
    if getattr(eager, "lazy", False):
        return

    def deferred(self: Rule, append_unknown: bool = True):
        built = None

        def build(rule: Rule, /, *args: Any, **kwargs: Any):  # positional: a URL value may be named "rule"
            nonlocal built
            if built is None:
                built = eager(rule, append_unknown)
            return built(rule, *args, **kwargs)

        return build

    deferred.lazy = True  # type: ignore[attr-defined]
    Rule._compile_builder = deferred  # type: ignore[method-assign]


def empty_postgres_tables(session, tables: list[str]) -> None:
    """Empty the tables a test wrote to and restart the sequences it used, as if every table had
    been truncated with RESTART IDENTITY (a TRUNCATE of all 63 tables costs ~90 ms even when
    they are empty; a test writes to a few)."""
    from sqlalchemy import text

    probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t})" for t in tables)
    written = list(session.scalars(text(probe)))
    if written:
        session.execute(text(f"TRUNCATE {', '.join(written)} RESTART IDENTITY CASCADE"))
    session.execute(text(
        "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
        "FROM pg_sequences WHERE last_value IS NOT NULL AND schemaname = current_schema()"))


class DemoSnapshot:
    """The loaded demo's database copies (`bench.snapshot.Snapshot`: SQLite's backup API, a
    PostgreSQL template database), one per backend, local day and the settings the load reads,
    with what `load_demo()` returned."""

    def __init__(self) -> None:
        self.saved: dict[tuple, tuple[dict, Snapshot]] = {}

    def restore_or_load(self, url: str) -> dict:
        """What `load_demo()` returned; the demo is in the test database afterwards either way."""
        from flask import current_app

        from demo.load import load_demo
        from extensions import db
        from main.i18n import local_tz
        from models import utcnow

        key = (url, utcnow().astimezone(local_tz()).date(),
               *(current_app.config.get(name) for name in LOAD_READS))
        if key in self.saved:
            summary, snapshot = self.saved[key]
            snapshot.restore()
            return deepcopy(summary)
        self._require_empty(db)
        summary = load_demo()
        db.session.commit()
        snapshot = Snapshot(url, suffix=f"demo{len(self.saved)}")
        snapshot.save()
        self.saved[key] = (deepcopy(summary), snapshot)
        return summary

    @staticmethod
    def _require_empty(db) -> None:
        """The copy must hold the demo alone: a fixture that wrote rows before `loaded_demo` would
        put them into every later test's database."""
        from sqlalchemy import exists, select

        written = [t.name for t in db.metadata.sorted_tables
                   if t.name != "alembic_version" and db.session.scalar(select(exists().select_from(t)))]
        assert not written, f"loaded_demo must come before fixtures that write rows: {written}"
