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
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlalchemy import String, cast, delete, func, literal, or_, select, update
from sqlalchemy.sql import ColumnElement

from extensions import db
from models import (
    Activity,
    Attendee,
    AuditEvent,
    Exemption,
    FeedToken,
    ImportBatch,
    LoginAttempt,
    OutboxMessage,
    Person,
    PersonAncestor,
    PersonStatus,
    Registration,
    RoleGrant,
)
from privacy import files
from privacy.retention import BY_NAME, cutoff

#: Audit detail keys that hold what someone typed into a search field.
SEARCH_KEYS = ("q",)
#: Outbox states whose content is no longer needed to send anything.
FINISHED = ("sent", "failed", "cancelled")
PSEUDONYM_PREFIX = "gallrad-"
log = logging.getLogger(__name__)


@dataclass
class Outcome:
    due: int = 0
    done: int = 0


@dataclass
class Run:
    """One retention run: the moment, the periods from the settings, dry run or not, batch size."""

    now: datetime
    periods: dict[str, int]
    dry_run: bool = False
    batch_size: int = 5000
    config: dict = field(default_factory=dict)

    def cutoff(self, name: str) -> datetime:
        return cutoff(BY_NAME[name], self.periods[name], self.now)


def _count(table_id: ColumnElement, conditions: list) -> int:
    return db.session.scalar(select(func.count(table_id)).where(*conditions)) or 0


def _by_id_ranges(run: Run, id_col, conditions: list, statement: Callable[[list], object]) -> Outcome:
    """Apply `statement(conditions)` one primary-key range at a time, committing each range."""
    if run.dry_run:
        n = _count(id_col, conditions)
        return Outcome(n, 0)
    low, high = db.session.execute(select(func.min(id_col), func.max(id_col))).one()
    out = Outcome()
    if low is None:
        return out
    start = low
    while start <= high:
        result = db.session.execute(statement(conditions + [id_col >= start, id_col < start + run.batch_size]))
        db.session.commit()
        out.due += result.rowcount or 0
        out.done += result.rowcount or 0
        start += run.batch_size
    return out


def mail_content(run: Run) -> Outcome:
    conditions = [OutboxMessage.created_at < run.cutoff("mail_content"), OutboxMessage.status.in_(FINISHED),
                  OutboxMessage.raw != b""]
    return _by_id_ranges(run, OutboxMessage.id, conditions, lambda where: update(OutboxMessage).where(*where)
                         .values(body_text="", body_html=None, raw=b"").execution_options(synchronize_session=False))


def _search_term_present() -> ColumnElement:
    if db.engine.dialect.name == "postgresql":
        return or_(*[func.jsonb_exists(cast(AuditEvent.detail, _jsonb()), key) for key in SEARCH_KEYS])
    return or_(*[func.json_extract(AuditEvent.detail, f"$.{key}").isnot(None) for key in SEARCH_KEYS])


def _jsonb():
    from sqlalchemy.dialects.postgresql import JSONB

    return JSONB


def _without_search_terms():
    if db.engine.dialect.name == "postgresql":
        value = cast(AuditEvent.detail, _jsonb())
        for key in SEARCH_KEYS:
            value = value.op("-")(literal(key, String))
        return value
    return func.json_remove(AuditEvent.detail, *[f"$.{key}" for key in SEARCH_KEYS])


def audit_addresses(run: Run) -> Outcome:
    # Events that audit_events deletes in the same run are left to it (same counts in a dry run).
    before = AuditEvent.at.between(run.cutoff("audit_events"), run.cutoff("audit_addresses"))
    ip = _by_id_ranges(run, AuditEvent.id, [before, AuditEvent.ip.isnot(None)],
                       lambda where: update(AuditEvent).where(*where).values(ip=None)
                       .execution_options(synchronize_session=False))
    terms = _by_id_ranges(run, AuditEvent.id, [before, AuditEvent.detail.isnot(None), _search_term_present()],
                          lambda where: update(AuditEvent).where(*where).values(detail=_without_search_terms())
                          .execution_options(synchronize_session=False))
    return Outcome(ip.due + terms.due, ip.done + terms.done)


def audit_events(run: Run) -> Outcome:
    return _by_id_ranges(run, AuditEvent.id, [AuditEvent.at < run.cutoff("audit_events")],
                         lambda where: delete(AuditEvent).where(*where).execution_options(synchronize_session=False))


def login_attempts(run: Run) -> Outcome:
    return _by_id_ranges(run, LoginAttempt.id, [LoginAttempt.at < run.cutoff("login_attempts")],
                         lambda where: delete(LoginAttempt).where(*where).execution_options(synchronize_session=False))


def lms_uploads(run: Run) -> Outcome:
    due = files.lms_previews_before(run.cutoff("lms_uploads"))
    if run.dry_run:
        return Outcome(len(due), 0)
    return Outcome(len(due), sum(1 for path in due if files.remove(path)))


def lms_problem_rows(run: Run) -> Outcome:
    conditions = [ImportBatch.created_at < run.cutoff("lms_problem_rows"), ImportBatch.problems.isnot(None),
                  cast(ImportBatch.problems, String) != "null"]
    return _by_id_ranges(run, ImportBatch.id, conditions, lambda where: update(ImportBatch).where(*where)
                         .values(problems=None).execution_options(synchronize_session=False))


def _leaver_conditions(run: Run) -> list:
    return [Person.active.is_(False), Person.deactivated_at < run.cutoff("leavers"), Person.pseudonymised_at.is_(None)]


def pseudonymise(ids: list[int], now: datetime) -> None:
    """Replace the identity of these people with a pseudonym; keep their unit, dates and every fact."""
    usernames = list(db.session.scalars(select(Person.username).where(Person.id.in_(ids))))
    db.session.execute(update(Person).where(Person.id.in_(ids)).values(
        username=literal(PSEUDONYM_PREFIX, String) + cast(Person.id, String),
        display_name=literal("Gallrad person ", String) + cast(Person.id, String),
        given_name="", family_name="", email=None, employee_number=None, title=None, external_id=None,
        dn=None, dn_norm=None, manager_id=None, manager_unknown=False, password_hash=None, locale=None,
        pseudonymised_at=now,
    ).execution_options(synchronize_session=False))
    db.session.execute(delete(PersonAncestor).where(or_(PersonAncestor.descendant_id.in_(ids),
                                                        PersonAncestor.ancestor_id.in_(ids))))
    db.session.execute(delete(RoleGrant).where(RoleGrant.person_id.in_(ids)))
    db.session.execute(delete(FeedToken).where(FeedToken.person_id.in_(ids)))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username.in_(usernames)))
    db.session.execute(update(Exemption).where(Exemption.person_id.in_(ids)).values(reason=""))
    db.session.execute(update(PersonStatus).where(PersonStatus.person_id.in_(ids)).values(sort_name=""))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient_id.in_(ids))
                       .values(recipient_email="", recipient_name="").execution_options(synchronize_session=False))


def leavers(run: Run) -> Outcome:
    conditions = _leaver_conditions(run)
    if run.dry_run:
        return Outcome(_count(Person.id, conditions), 0)
    out, after = Outcome(), 0
    while True:
        ids = list(db.session.scalars(select(Person.id).where(*conditions, Person.id > after)
                                      .order_by(Person.id).limit(run.batch_size)))
        if not ids:
            return out
        out.due += len(ids)
        pseudonymise(ids, run.now)
        db.session.commit()
        out.done += len(ids)
        after = ids[-1]


def registration_boundary(run: Run) -> datetime:
    """Activities that ended before this moment are past the year's follow-up: Jan 1 (local) of
    the year the period counted back from now falls in."""
    from main.i18n import local_tz

    back = run.cutoff("activity_replies").astimezone(local_tz())
    return datetime.combine(back.date().replace(month=1, day=1), time(0, 0), tzinfo=local_tz()).astimezone(UTC)


def activity_replies(run: Run) -> Outcome:
    past = select(Activity.id).where(Activity.ends_at < registration_boundary(run)).scalar_subquery()
    out = Outcome()
    for model in (Registration, Attendee):
        part = _by_id_ranges(run, model.id, [model.activity_id.in_(past)],
                             lambda where, m=model: delete(m).where(*where).execution_options(synchronize_session=False))
        out.due += part.due
        out.done += part.done
    return out


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


OPERATIONS: dict[str, Callable[[Run], Outcome]] = {
    "mail_content": mail_content, "audit_events": audit_events, "audit_addresses": audit_addresses,
    "login_attempts": login_attempts, "lms_uploads": lms_uploads, "lms_problem_rows": lms_problem_rows,
    "leavers": leavers, "activity_replies": activity_replies, "evidence_files": evidence_files,
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


