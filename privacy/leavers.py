"""Pseudonymising leavers: the person row stays (their unit, dates and every fact they
contributed to a KPI), with their identity replaced; what only identified them is deleted."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete, literal, or_, select, update

from extensions import db
from models import (
    AptStandIn,
    Exemption,
    LoginAttempt,
    OutboxMessage,
    Person,
    PersonAncestor,
    PersonStatus,
)
from privacy.batches import Outcome, Run, count, relax_commit
from privacy.shared import LEAVER_DELETES, shared_table

PSEUDONYM_PREFIX = "gallrad-"


def leaver_conditions(run: Run) -> list:
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
    # A leaver neither stands in for a manager nor has a stand-in: both ends of the row go.
    db.session.execute(delete(AptStandIn).where(or_(AptStandIn.manager_id.in_(ids), AptStandIn.stand_in_id.in_(ids))))
    for name in LEAVER_DELETES:
        table = shared_table(name)
        if table is not None:
            db.session.execute(delete(table).where(table.c.person_id.in_(ids)))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username.in_(usernames)))
    db.session.execute(update(Exemption).where(Exemption.person_id.in_(ids)).values(reason=""))
    db.session.execute(update(PersonStatus).where(PersonStatus.person_id.in_(ids)).values(sort_name=""))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient_id.in_(ids))
                       .values(recipient_email="", recipient_name="").execution_options(synchronize_session=False))


def leavers(run: Run) -> Outcome:
    conditions = leaver_conditions(run)
    if run.dry_run:
        return Outcome(count(Person.id, conditions), 0)
    out, after = Outcome(), 0
    while True:
        ids = list(db.session.scalars(select(Person.id).where(*conditions, Person.id > after)
                                      .order_by(Person.id).limit(run.batch_size)))
        if not ids:
            return out
        out.due += len(ids)
        relax_commit()
        pseudonymise(ids, run.now)
        db.session.commit()
        out.done += len(ids)
        after = ids[-1]
