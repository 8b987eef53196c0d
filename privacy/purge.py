"""The end action of every retention category (privacy/retention.py says which and when).

Each operation works in short transactions: an UPDATE or DELETE over one range of primary
keys (or one batch of selected ids) at a time, committed before the next, so no table is
locked for long and a run that stops half-way simply continues next night. Every
operation only touches rows that still hold what it removes, so running it twice changes
nothing the second time. `due` counts the rows the rule matched, `done` the rows committed.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, time

from sqlalchemy import String, Table, and_, case, cast, delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import ColumnElement, Executable

from extensions import db
from models import Activity, AuditEvent, ImportBatch, LoginAttempt, OutboxMessage
from models.pulse import Pulse, PulseParticipant
from privacy import files
from privacy.batches import Outcome, Run, by_id_ranges
from privacy.leavers import leavers
from privacy.shared import REPLY_TABLES, SESSION_TABLES, shared_table

#: Audit detail keys that hold what someone typed into a search field.
SEARCH_KEYS = ("q",)
#: Outbox states whose content is no longer needed to send anything.
FINISHED = ("sent", "failed", "cancelled")
log = logging.getLogger(__name__)


def mail_content(run: Run) -> Outcome:
    skips = mail_skips(run)
    conditions = [OutboxMessage.created_at < run.cutoff("mail_content"), OutboxMessage.status.in_(FINISHED),
                  OutboxMessage.raw != b""]
    out = by_id_ranges(run, OutboxMessage.id, conditions, lambda where: update(OutboxMessage).where(*where)
                        .values(body_text="", body_html=None, raw=b"").execution_options(synchronize_session=False))
    return Outcome(out.due + skips.due, out.done + skips.done)


def _search_term_present() -> ColumnElement:
    if db.engine.dialect.name == "postgresql":
        return or_(*[func.jsonb_exists(cast(AuditEvent.detail, JSONB), key) for key in SEARCH_KEYS])
    return or_(*[func.json_extract(AuditEvent.detail, f"$.{key}").isnot(None) for key in SEARCH_KEYS])


def _without_search_terms():
    if db.engine.dialect.name == "postgresql":
        value: ColumnElement = cast(AuditEvent.detail, JSONB)
        for key in SEARCH_KEYS:
            value = value.op("-")(literal(key, String))
        return cast(value, AuditEvent.detail.type)  # back to json: the column's type
    return func.json_remove(AuditEvent.detail, *[f"$.{key}" for key in SEARCH_KEYS])


def audit_addresses(run: Run) -> Outcome:
    """One pass: the address and any search term of an event go in the same UPDATE (one row version)."""
    # Events that audit_events deletes in the same run are left to it (same counts in a dry run).
    before = AuditEvent.at.between(run.cutoff("audit_events"), run.cutoff("audit_addresses"))
    terms = _search_term_present()
    without = case((terms, _without_search_terms()), else_=AuditEvent.detail)
    return by_id_ranges(run, AuditEvent.id, [before, or_(AuditEvent.ip.isnot(None), terms)],
                        lambda where: update(AuditEvent).where(*where).values(ip=None, detail=without)
                        .execution_options(synchronize_session=False))


def audit_events(run: Run) -> Outcome:
    return by_id_ranges(run, AuditEvent.id, [AuditEvent.at < run.cutoff("audit_events")],
                         lambda where: delete(AuditEvent).where(*where).execution_options(synchronize_session=False))


def login_attempts(run: Run) -> Outcome:
    return by_id_ranges(run, LoginAttempt.id, [LoginAttempt.at < run.cutoff("login_attempts")],
                         lambda where: delete(LoginAttempt).where(*where).execution_options(synchronize_session=False))


def lms_uploads(run: Run) -> Outcome:
    due = files.lms_previews_before(run.cutoff("lms_uploads"))
    if run.dry_run:
        return Outcome(len(due), 0)
    return Outcome(len(due), sum(1 for path in due if files.remove(path)))


def lms_problem_rows(run: Run) -> Outcome:
    conditions = [ImportBatch.created_at < run.cutoff("lms_problem_rows"), ImportBatch.problems.isnot(None),
                  cast(ImportBatch.problems, String) != "null"]
    return by_id_ranges(run, ImportBatch.id, conditions, lambda where: update(ImportBatch).where(*where)
                         .values(problems=None).execution_options(synchronize_session=False))


def registration_boundary(run: Run) -> datetime:
    """Activities that ended before this moment are past the year's follow-up: Jan 1 (local) of
    the year the period counted back from now falls in."""
    from main.i18n import local_tz

    back = run.cutoff("activity_replies").astimezone(local_tz())
    return datetime.combine(back.date().replace(month=1, day=1), time(0, 0), tzinfo=local_tz()).astimezone(UTC)


def _deleting(table: Table) -> Callable[[list], Executable]:
    def statement(where: list) -> Executable:
        return delete(table).where(*where)
    return statement


def activity_replies(run: Run) -> Outcome:
    boundary = registration_boundary(run)
    past = select(Activity.id).where(Activity.ends_at < boundary).scalar_subquery()
    out = Outcome()
    for name, received in REPLY_TABLES:
        table = shared_table(name)
        if table is None:
            continue
        due: ColumnElement[bool] = table.c.activity_id.in_(past)
        if received:  # an answer matched to no activity goes by the day it came
            due = or_(due, and_(table.c.activity_id.is_(None), table.c[received] < boundary))
        part = by_id_ranges(run, table.c.id, [due], _deleting(table))
        out.due += part.due
        out.done += part.done
    return out


def sessions(run: Run) -> Outcome:
    """Sessions and single sign-ins of other packages, once long over (their own jobs usually were first)."""
    out = Outcome()
    moment = run.cutoff("sessions")
    for name, column in SESSION_TABLES:
        table = shared_table(name)
        if table is None:
            continue
        part = by_id_ranges(run, table.c.id, [table.c[column] < moment], _deleting(table))
        out.due += part.due
        out.done += part.done
    return out


def mail_skips(run: Run) -> Outcome:
    """The refused address of a mail that could not be sent is kept as long as mail texts are."""
    table = shared_table("outbox_skip")
    if table is None:
        return Outcome()
    conditions = [table.c.created_at < run.cutoff("mail_content"), table.c.detail != ""]
    return by_id_ranges(run, table.c.id, conditions, lambda where: update(table).where(*where).values(detail=""))


def evidence_files(run: Run) -> Outcome:
    due = files.evidence_documents_due(run.now, run.periods["evidence_files"])
    if run.dry_run:
        return Outcome(len(due), 0)
    out = Outcome(len(due), 0)
    for document in due:
        files.remove_document(document, run.now)
        db.session.commit()
        out.done += 1
    return out


def pulse_participants(run: Run) -> Outcome:
    """Who was asked and has answered a pulse goes once it is long closed; the counted answers stay."""
    from main.i18n import local_tz

    closed_before = run.cutoff("pulse_participants").astimezone(local_tz()).date()
    closed = select(Pulse.id).where(Pulse.closes_on < closed_before).scalar_subquery()
    return by_id_ranges(run, PulseParticipant.pulse_id, [PulseParticipant.pulse_id.in_(closed)],
                        lambda where: delete(PulseParticipant).where(*where))


OPERATIONS: dict[str, Callable[[Run], Outcome]] = {
    "mail_content": mail_content, "audit_events": audit_events, "audit_addresses": audit_addresses,
    "login_attempts": login_attempts, "lms_uploads": lms_uploads, "lms_problem_rows": lms_problem_rows,
    "sessions": sessions, "leavers": leavers, "activity_replies": activity_replies,
    "evidence_files": evidence_files, "pulse_participants": pulse_participants,
}


def run_all(run: Run) -> dict[str, Outcome]:
    """Apply every category; one failing category is rolled back and reported, the others still run."""
    results = {}
    for name, operation in OPERATIONS.items():
        try:
            results[name] = operation(run)
        except Exception:
            db.session.rollback()
            log.exception("retention category %s failed", name)
            results[name] = Outcome(-1, 0)
    return results


