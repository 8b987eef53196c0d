"""Who answered and what was answered cannot be linked: checked on the schema and on the stored rows."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, DateTime, inspect, select

from extensions import db
from tests.pulse.conftest import OPEN_NOW

ANSWER_TABLE, WHO_TABLE = "pulse_tally", "pulse_participant"


def test_the_answer_table_has_no_person_no_time_and_no_row_identity(app):
    inspector = inspect(db.engine)
    columns = {c["name"]: c for c in inspector.get_columns(ANSWER_TABLE)}
    assert set(columns) == {"pulse_id", "question_id", "choice", "unit_id", "answered_on", "count"}
    assert not any("person" in name or name.endswith("_by_id") for name in columns)
    referenced = {fk["referred_table"] for fk in inspector.get_foreign_keys(ANSWER_TABLE)}
    assert referenced == {"pulse", "pulse_question"}  # no person, no participant, no unit below reporting
    assert not any(isinstance(c["type"], DateTime) for c in columns.values())
    assert isinstance(columns["answered_on"]["type"], Date)
    # The row's identity is what it counts, not an insertion order: no surrogate (autoincrement) key.
    assert set(inspector.get_pk_constraint(ANSWER_TABLE)["constrained_columns"]) == {
        "pulse_id", "question_id", "choice", "unit_id", "answered_on"}


def test_the_who_table_holds_no_answer_and_no_time(app):
    inspector = inspect(db.engine)
    columns = {c["name"]: c for c in inspector.get_columns(WHO_TABLE)}
    assert set(columns) == {"pulse_id", "person_id", "answered"}
    assert not any(isinstance(c["type"], (DateTime, Date)) for c in columns.values())
    assert {fk["referred_table"] for fk in inspector.get_foreign_keys(WHO_TABLE)} == {"pulse", "person"}
    shared = set(columns) & {c["name"] for c in inspector.get_columns(ANSWER_TABLE)}
    assert shared == {"pulse_id"}  # the only join is "same pulse", which every participant shares


def test_stored_rows_count_answers_without_anyone_in_them(opened, region):
    from models.pulse import PulseParticipant, PulseTally
    from pulse import operations

    akut, triage = region["units"]["akut"], region["units"]["triage"]
    people = [region[f"akut{n}"] for n in range(5)]  # akut0 and akut1 sit in the section Triage
    for person in people:
        operations.answer(opened, person, {q.id: 1 for q in opened.questions}, OPEN_NOW)
    db.session.commit()
    rows = db.session.execute(select(PulseTally.__table__)).mappings().all()
    assert {row["unit_id"] for row in rows} == {akut.id}  # the section is lifted to the reporting level
    assert triage.id not in {row["unit_id"] for row in rows}
    assert {row["answered_on"] for row in rows} == {date(2031, 3, 5)}
    assert sorted(row["count"] for row in rows) == [5, 5, 5]  # one counter per question: five people in each
    ids = {p.id for p in people}
    # Every value stored is accounted for by the pulse, its questions, the unit, the day and the count.
    assert {row["pulse_id"] for row in rows} == {opened.id}
    assert {row["question_id"] for row in rows} == {q.id for q in opened.questions}
    assert {row["choice"] for row in rows} == {1}
    answered = db.session.scalars(select(PulseParticipant.person_id).where(PulseParticipant.answered.is_(True)))
    assert set(answered) == ids


def test_no_join_can_tell_two_answerers_apart(opened, region):
    """Two people in the same unit answer differently on the same day: nothing stored says which chose what."""
    from models.pulse import PulseParticipant, PulseTally
    from pulse import operations

    first, second = region["akut2"], region["akut3"]
    question = opened.questions[0]
    operations.answer(opened, first, {q.id: 0 for q in opened.questions}, OPEN_NOW)
    operations.answer(opened, second, {q.id: 1 for q in opened.questions}, OPEN_NOW)
    db.session.commit()
    rows = db.session.execute(select(PulseTally.choice, PulseTally.unit_id, PulseTally.answered_on, PulseTally.count)
                              .where(PulseTally.question_id == question.id).order_by(PulseTally.choice)).all()
    assert [(r.choice, r.count) for r in rows] == [(0, 1), (1, 1)]
    assert rows[0][1:3] == rows[1][1:3]  # same unit, same day: the rows differ only in what was chosen
    who = db.session.execute(select(PulseParticipant.__table__)
                             .where(PulseParticipant.person_id.in_([first.id, second.id]))).mappings().all()
    assert [set(r.keys()) for r in who] == [{"pulse_id", "person_id", "answered"}] * 2
    assert all(r["answered"] for r in who)
