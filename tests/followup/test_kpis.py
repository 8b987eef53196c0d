"""KPIs: quarters, the computed values from training and campaign data, the scheduler's
quarter-end recording (once, with catch-up), values entered by admins, and the trend chart."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from extensions import db
from followup import kpis, quarters
from models import Activity, Campaign, Completion, Kpi, KpiValue, PlanMessage, utcnow


def utc(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=timezone.utc)


def test_quarter_arithmetic():
    assert quarters.quarter_end(date(2024, 11, 5)) == date(2024, 12, 31)
    assert quarters.quarter_start(date(2024, 9, 30)) == date(2024, 7, 1)
    assert quarters.previous_quarter_end(date(2024, 10, 1)) == date(2024, 9, 30)
    assert quarters.previous_quarter_end(date(2024, 9, 30)) == date(2024, 6, 30)
    assert quarters.previous_quarter_end(date(2025, 1, 1)) == date(2024, 12, 31)
    assert quarters.ends_between(date(2024, 8, 1), date(2025, 3, 31)) == [
        date(2024, 9, 30), date(2024, 12, 31), date(2025, 3, 31)]
    assert quarters.label(date(2024, 9, 30)) == "2024 K3"
    assert not quarters.is_quarter_end(date(2024, 9, 29))


@pytest.fixture
def data(app, org):
    """A course everyone must finish by 30 Nov 2024 (ann and ben did), an October campaign with
    three activities (one cancelled) and messages sent in two channels."""
    from training import operations as training_ops

    course = training_ops.ensure_course("SB", "Säkert Beteende").obj
    version = training_ops.ensure_version(course, "Säkert Beteende 2024", date(2024, 9, 1)).obj
    training_ops.ensure_requirement(course, training_ops.RequirementSpec(name="Alla", due_on=date(2024, 11, 30)))
    for who in ("ann", "ben"):
        db.session.add(Completion(person_id=org[who].id, version_id=version.id, state="completed",
                                  completed_at=utc(2024, 10, 10), source="demo"))
    campaign = Campaign(title="Oktober 2024", starts_on=date(2024, 10, 1), ends_on=date(2024, 10, 31),
                        themes=["A"], owner_id=org["admin"].id)
    db.session.add(campaign)
    for i, status in enumerate(["confirmed", "confirmed", "cancelled"]):
        db.session.add(Activity(campaign=campaign, uid=f"a{i}@vaksam", title=f"Aktivitet {i}", theme="A",
                                kind="lecture", starts_at=utc(2024, 10, 3 + i), ends_at=utc(2024, 10, 3 + i, 11),
                                organiser_id=org["comms"].id, status=status))
    for i, (channel, status) in enumerate([("e-post", "sent"), ("e-post", "sent"), ("intranät", "published"),
                                           ("Teams", "draft")]):
        db.session.add(PlanMessage(title=f"M{i}", channel=channel, audience="all", planned_at=utc(2024, 10, 1),
                                   owner_id=org["comms"].id, status=status,
                                   sent_at=utc(2024, 10, 1) if status != "draft" else None))
    db.session.commit()
    kpis.ensure_standard_kpis()
    db.session.commit()
    return {source: db.session.scalar(select(Kpi).where(Kpi.source == source)) for source in kpis.SOURCES}


def test_computed_values_for_a_quarter(app, data):
    now = utc(2025, 1, 2)
    values = {source: kpis.record_computed(kpi, date(2024, 12, 31), now) for source, kpi in data.items()}
    # covered: top, boss, lead, ann, ben, otherboss, carl, admin, comms = 9, of whom 2 completed
    assert values["training_completed_share"].value == round(100 * 2 / 9, 1)
    assert values["training_overdue"].value == 7
    assert values["awareness_activities_held"].value == 2
    assert values["plan_messages_sent"].value == 3
    assert values["plan_messages_sent"].breakdown == {"e-post": 2, "intranät": 1}
    assert values["awareness_registrations"].value == 0  # counted from real registrations (none in this data)
    assert not values["awareness_registrations"].note
    assert kpis.record_computed(data["awareness_activities_held"], date(2024, 9, 30), now).value == 0


def test_training_values_come_from_the_snapshot_of_the_day_when_taken(app, data, org):
    from training import snapshots

    day = date(2024, 12, 31)
    snapshots.take_snapshots(snapshots.end_of_day(day), kind="quarter")
    db.session.add(Completion(person_id=org["carl"].id, version_id=db.session.scalar(
        select(Completion.version_id)), state="completed", completed_at=utc(2024, 12, 1), source="demo"))
    db.session.commit()
    # the snapshot was taken before carl's completion was known; the KPI says what the snapshot said
    assert kpis.record_computed(data["training_completed_share"], day, utc(2025, 1, 2)).value == 22.2


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(KpiValue))


def test_scheduler_records_each_quarter_once_and_catches_up_once(app, data):
    from jobs.registry import get_job
    from jobs.runner import run_job

    job = get_job("followup.record_kpis", app)
    with time_machine.travel(utc(2025, 1, 1, 0), tick=False):  # 01:00 local on 1 January
        run = run_job(job)
    assert run.outcome == "ok" and "5 KPI values recorded for the quarter ending 2024-12-31" in run.message
    assert _count() == 5
    with time_machine.travel(utc(2025, 1, 1, 1), tick=False):
        assert "nothing due" in run_job(job).message
    assert _count() == 5
    # the scheduler was down over 31 March and 30 June: one run catches up the latest quarter only
    with time_machine.travel(utc(2025, 7, 15), tick=False):
        run_job(job)
        run_job(job)
    ends = sorted({v.period_end for v in db.session.scalars(select(KpiValue))})
    assert ends == [date(2024, 12, 31), date(2025, 6, 30)] and _count() == 10


def test_admin_enters_a_manual_value_and_sees_the_chart(app, client, auth, org, data):
    kpi = db.session.scalar(select(Kpi).where(Kpi.name == "Rapporterade personuppgiftsincidenter"))
    auth.login("admin")
    url = f"/admin/uppfoljning/nyckeltal/{kpi.id}/varden"
    bad = client.post(url, data={"period_end": "2024-11-30", "value": "4"})
    assert bad.status_code == 400 and "Ange ett kvartals sista dag" in bad.get_data(as_text=True)
    bad = client.post(url, data={"period_end": "2024-12-31", "value": "fyra"})
    assert bad.status_code == 400 and "Ange ett tal" in bad.get_data(as_text=True)
    assert _count() == 0
    assert client.post(url, data={"period_end": "2024-09-30", "value": "4", "target": "2"}).status_code == 302
    assert client.post(url, data={"period_end": "2024-12-31", "value": "6,5", "target": "2"}).status_code == 302
    assert client.post(url, data={"period_end": "2024-12-31", "value": "5", "target": "2"}).status_code == 302
    values = kpis.values_until(kpi)
    assert [(v.period_end, v.value, v.target) for v in values] == [
        (date(2024, 9, 30), 4.0, 2.0), (date(2024, 12, 31), 5.0, 2.0)]
    from models import ChangeLog

    change = db.session.scalar(select(ChangeLog).where(ChangeLog.entity == "kpi_value", ChangeLog.field == "value"))
    assert (change.old_value, change.new_value, change.actor_id) == ("6.5", "5", org["admin"].id)
    page = client.get(f"/admin/uppfoljning/nyckeltal/{kpi.id}").get_data(as_text=True)
    assert "<svg" in page and "2024 K4" in page and "<caption>Värden per kvartal</caption>" in page
    assert "Linjediagram med målvärdet streckat" in page


def test_computed_kpi_is_recomputed_not_typed(app, client, auth, org, data):
    auth.login("admin")
    kpi = data["plan_messages_sent"]
    response = client.post(f"/admin/uppfoljning/nyckeltal/{kpi.id}/varden",
                           data={"period_end": "2024-12-31", "value": "999"})
    assert response.status_code == 302
    assert kpis.value_for(kpi, date(2024, 12, 31)).value == 3
    from followup.operations import FollowupError

    with pytest.raises(FollowupError):
        kpis.set_manual_value(kpi, date(2024, 12, 31), 999, None, "", org["admin"], utcnow())

