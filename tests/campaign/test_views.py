"""The planner's pages over HTTP: permissions, forms with bad input, double submits, export."""
from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from extensions import db
from models import AuditEvent, PlanMessage, utcnow

STHLM = ZoneInfo("Europe/Stockholm")


def local(dt: datetime) -> str:
    return dt.astimezone(STHLM).strftime("%Y-%m-%dT%H:%M")


def form(region, **changes) -> dict:
    data = {"title": "Höstens kampanj", "body": "Hej {förnamn}!", "channel": "e-post", "audience": "all",
            "planned_at": local(utcnow() + timedelta(days=7)), "owner_id": str(region["comms"].id),
            "campaign_id": "0", "form_token": "tok-1"}
    data.update(changes)
    return data


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(PlanMessage))


@pytest.mark.parametrize("username", ["anna", "boss"])
def test_employees_and_managers_see_no_plan_pages(app, client, auth, region, make_message, username):
    message = make_message("draft")
    auth.login(username)
    for path in ["/plan", f"/plan/{message.id}", "/plan/ny", "/plan/kalender", "/plan/arshjul", "/plan/uppgifter",
                 "/plan/export.xlsx", "/kampanjer"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Hej {förnamn}" not in response.get_data(as_text=True)


def test_manager_cannot_approve(app, client, auth, region, make_message):
    message = make_message("review")
    auth.login("boss")
    response = client.post(f"/plan/{message.id}/steg/approve", data={"comment": ""})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(PlanMessage, message.id).status == "review"


def test_comms_creates_submits_approves_and_schedules(app, client, auth, region):
    app.config["PLAN_FOUR_EYES"] = False  # one planner does every step; the history says so
    auth.login("comms")
    response = client.post("/plan/ny", data=form(region))
    assert response.status_code == 302
    message = db.session.scalar(select(PlanMessage))
    assert message.status == "draft" and message.created_by_id == region["comms"].id
    for move in ("submit", "approve", "schedule"):
        response = client.post(f"/plan/{message.id}/steg/{move}", data={"version": str(message.version)})
        assert response.status_code == 302, move
        db.session.refresh(message)
    assert message.status == "scheduled"
    page = client.get(f"/plan/{message.id}").get_data(as_text=True)
    assert "Schemalagd" in page and "Målgruppen just nu: 10 personer, varav 9 med e-postadress" in page
    assert "Godkänt av samma person som ändrade eller skickade det för granskning." in page


def test_planned_time_is_entered_in_swedish_time(app, client, auth, region):
    auth.login("comms")
    client.post("/plan/ny", data=form(region, planned_at="2031-10-27T09:00"))  # winter time: UTC+1
    message = db.session.scalar(select(PlanMessage))
    assert message.planned_at == datetime(2031, 10, 27, 8, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize("changes, field_error", [
    ({"planned_at": "2020-01-01T09:00"}, "Den planerade tiden har redan passerat"),
    ({"planned_at": "2031-03-30T02:30"}, "Klockslaget finns inte den dagen"),
    ({"planned_at": "nästa tisdag"}, "Ange datum och tid som ÅÅÅÅ-MM-DD TT:MM."),
    ({"planned_at": ""}, "Ange datum och tid."),
    ({"audience": "units"}, "Välj minst en enhet."),
    ({"audience": "units", "unit_ids": "999999"}, "Okänd enhet. Välj enheter ur listan."),
    ({"audience": "units", "unit_ids": "abc"}, "Okänd enhet. Välj enheter ur listan."),
    ({"audience": "alla"}, "Välj en målgrupp."),
    ({"channel": "brevduva"}, "Välj en kanal ur listan."),
    ({"title": ""}, "Ange en titel."),
    ({"title": "x" * 201}, "Titeln får vara högst 200 tecken."),
    ({"body": "Hej {namn}"}, "Okänd platshållare: {namn}."),
    ({"body": "x" * 1_000_000}, "Texten är för lång: högst 20\u00a0000 tecken"),
    ({"owner_id": "999999"}, "Välj en person ur listan."),
])
def test_bad_input_gives_a_swedish_error_and_saves_nothing(app, client, auth, region, changes, field_error):
    auth.login("comms")
    response = client.post("/plan/ny", data=form(region, **changes))
    assert response.status_code == 400
    assert field_error in response.get_data(as_text=True)
    assert count() == 0


def test_not_done_audience_refused_without_an_active_requirement(app, client, auth, region):
    auth.login("comms")
    response = client.post("/plan/ny", data=form(region, audience="not_done"))
    assert response.status_code == 400
    assert "Inget utbildningskrav är aktivt just nu" in response.get_data(as_text=True)
    assert count() == 0


def test_script_in_the_body_is_stored_but_never_rendered(app, client, auth, region):
    auth.login("comms")
    client.post("/plan/ny", data=form(region, body='Hej <script>alert("x")</script><img src=x onerror=alert(1)>',
                                      title="<b>Titel</b>"))
    message = db.session.scalar(select(PlanMessage))
    page = client.get(f"/plan/{message.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "onerror" not in page and "<b>Titel</b>" not in page
    assert "&lt;b&gt;Titel&lt;/b&gt;" in page


def test_double_clicked_submit_creates_one_message(app, client, auth, region):
    auth.login("comms")
    first = client.post("/plan/ny", data=form(region))
    second = client.post("/plan/ny", data=form(region))
    assert first.status_code == second.status_code == 302
    assert first.location == second.location and count() == 1


def test_double_clicked_approve_records_one_transition(app, client, auth, region, make_message):
    message = make_message("review")
    auth.login("admin")
    for _ in range(2):
        assert client.post(f"/plan/{message.id}/steg/approve", data={"version": str(message.version)}).status_code == 302
    db.session.refresh(message)
    assert [t.to_status for t in message.transitions].count("approved") == 1


def test_editing_a_sent_message_is_refused(app, client, auth, region, make_message):
    from campaign.sending import send_due

    message = make_message("scheduled")
    send_due(message.planned_at)
    auth.login("comms")
    response = client.post(f"/plan/{message.id}/andra", data=form(region, title="Ändrad"))
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.title != "Ändrad" and message.status == "sent"


def test_editing_approved_content_over_http_goes_back_to_review(app, client, auth, region, make_message):
    message = make_message("approved")
    auth.login("comms")
    data = form(region, title="Ny titel", version=str(message.version),
                planned_at=local(message.planned_at))
    response = client.post(f"/plan/{message.id}/andra", data=data)
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.status == "review" and message.title == "Ny titel"


def test_preview_for_someone_the_planner_may_not_see_falls_back_to_themselves(app, client, auth, region, make_message):
    message = make_message("draft")
    auth.login("comms")
    page = client.get(f"/plan/{message.id}?person=anna").get_data(as_text=True)
    assert "Du får inte se uppgifter om den personen" in page and "Hej Kim på Regionservice!" in page
    auth.logout()
    auth.login("admin")
    page = client.get(f"/plan/{message.id}?person=anna").get_data(as_text=True)
    assert "Hej Anna på Akutkliniken!" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.preview"))
    assert event.target_id == str(region["anna"].id)


def test_plan_table_filters_and_sorts(app, client, auth, region, make_message):
    make_message("draft", title="Första", channel="e-post")
    make_message("review", title="Andra", channel="intranät")
    auth.login("comms")
    page = client.get("/plan?channel=intranät").get_data(as_text=True)
    assert "Andra" in page and "Första" not in page
    page = client.get("/plan?status=draft").get_data(as_text=True)
    assert "Första" in page and "Andra" not in page
    page = client.get("/plan?sort=title").get_data(as_text=True)
    assert page.index("Andra") < page.index("Första")
    page = client.get("/plan?sort=title&desc=1").get_data(as_text=True)
    assert page.index("Första") < page.index("Andra")
    assert client.get("/plan?month=nonsense&status=evil&sort=drop").status_code == 200


def test_export_is_formula_safe_and_audited(app, client, auth, region, make_message):
    make_message("draft", title="=HYPERLINK(\"https://evil.example\",\"klick\")")
    make_message("draft", title="@SUM(A1)")
    auth.login("comms")
    response = client.get("/plan/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(response.data)).active
    titles = sorted(sheet.cell(row=r, column=2).value for r in (2, 3))
    assert titles == ["'=HYPERLINK(\"https://evil.example\",\"klick\")", "'@SUM(A1)"]
    assert all(sheet.cell(row=r, column=2).data_type == "s" for r in (2, 3))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.export")) is not None


def test_calendar_and_wheel_show_the_message(app, client, auth, region, make_message):
    planned = datetime(2031, 10, 14, 7, 0, tzinfo=ZoneInfo("UTC"))
    make_message("scheduled", planned_at=planned, title="Oktoberbrevet")
    auth.login("comms")
    page = client.get("/plan/kalender?month=2031-10").get_data(as_text=True)
    assert "Oktober 2031" in page and "Oktoberbrevet" in page and "09:00" in page
    page = client.get("/plan/arshjul?year=2031").get_data(as_text=True)
    assert "<svg" in page and "Oktoberbrevet" in page and "Kvartalsmätning av nyckeltal, kvartal 3" in page
    assert "Rapport till styrelsen" in page and "Informationssäkerhetsmånaden (oktober)" in page
    assert client.get("/plan/arshjul?year=99999").status_code == 200
    assert client.get("/plan/kalender?month=2031-13").status_code == 200


def test_task_page_lists_due_tasks_and_marks_published(app, client, auth, region, make_message):
    from campaign.sending import send_due

    message = make_message("scheduled", channel="intranät", title="Till intranätet")
    send_due(message.planned_at)
    auth.login("comms")
    assert "Till intranätet" in client.get("/plan/uppgifter").get_data(as_text=True)
    # The outbox has the owner's mail (sent later by the outbox job).
    from models import OutboxMessage

    assert db.session.scalar(select(OutboxMessage.recipient_email)) == "comms@example.se"


def test_employee_sees_confirmed_activities_of_their_units_only(app, client, auth, region):
    from campaign.activities import ActivityData, CampaignData, save_activity, save_campaign
    from tests.campaign.conftest import FUTURE

    comms, u = region["comms"], region["units"]
    campaign = save_campaign(CampaignData("Oktober 2031", FUTURE.date(), FUTURE.date() + timedelta(days=30), "",
                                          ["Säkert Beteende"], comms.id), comms, utcnow())

    def activity(title, status="confirmed", units=None):
        start = FUTURE + timedelta(days=1)
        save_activity(campaign, ActivityData(title, "", "Säkert Beteende", "lecture", start, start + timedelta(hours=1),
                                             "Aulan", "", units is None, None, comms.id, status,
                                             [x.id for x in units or []]), comms, utcnow())

    activity("För alla")
    activity("För HSF", units=[u["hsf"]])
    activity("För RS", units=[u["rs"]])
    activity("Bara planerad", status="planned")
    activity("Inställd", status="cancelled")
    db.session.commit()
    auth.login("nils")  # Vårdcentralen Norr, under HSF
    page = client.get("/aktiviteter").get_data(as_text=True)
    assert "För alla" in page and "För HSF" in page
    assert "För RS" not in page and "Bara planerad" not in page and "Inställd" not in page


def test_owner_marks_a_due_task_published_from_the_task_page(app, client, auth, region, make_message):
    import time_machine

    from campaign.sending import send_due

    message = make_message("scheduled", now=utcnow(), planned_at=(utcnow() + timedelta(hours=1)).replace(microsecond=0),
                           channel="skärmar", title="Till skärmarna")
    auth.login("comms")
    early = client.post(f"/plan/{message.id}/publicerad")
    assert early.status_code == 302
    db.session.refresh(message)
    assert message.status == "scheduled"  # not before its time
    with time_machine.travel(message.planned_at + timedelta(minutes=2), tick=True):
        send_due(utcnow())
        page = client.get("/plan/uppgifter").get_data(as_text=True)
        assert "Markera ”Till skärmarna” som publicerat" in page
        response = client.post(f"/plan/{message.id}/publicerad", data={"back": "tasks"})
        assert response.status_code == 302 and response.location.endswith("/plan/uppgifter")
        assert "Inget att publicera just nu." in client.get("/plan/uppgifter").get_data(as_text=True)
    db.session.refresh(message)
    assert message.status == "published" and message.transitions[-1].actor_id == region["comms"].id
