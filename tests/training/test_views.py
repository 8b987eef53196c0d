"""The training pages and exports: what managers, employees and admins see, who is
refused, what is audited, and that exported cells cannot run as formulas."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from extensions import db
from models import AuditEvent, Exemption, OutboxMessage, utcnow
from tests.training.conftest import local
from training import freshness


@pytest.fixture
def data(org, course, complete):
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    complete(org["carl"], course["v2024"], local(2024, 10, 3))
    db.session.commit()
    freshness.run_pending(utcnow())  # the scheduler's job: pages only read the cache
    return org


def ids(org):
    return {k: v.id for k, v in org.items()}


#: Every training route, as a manager ("boss") would try it on someone outside their team.
OUTSIDE = [
    ("get", "/training/team?manager={otherboss}"),
    ("get", "/training/team/export.csv?manager={otherboss}"),
    ("get", "/training/team/export.xlsx?manager={otherboss}"),
    ("get", "/training/people/{carl}"),
    ("post", "/training/people/{carl}/exemptions"),
    ("post", "/training/exemptions/{carl_exemption}/revoke"),
    ("get", "/api/v1/training/team?manager={otherboss}"),
    ("get", "/api/v1/training/people/{carl}"),
    ("post", "/training/remind"),
    ("post", "/training/remind-all"),
]
ADMIN_ONLY = [
    ("get", "/admin/training"), ("post", "/admin/training/courses"), ("post", "/admin/training/versions"),
    ("get", "/admin/training/requirements/new"), ("get", "/admin/training/requirements/{requirement}"),
    ("get", "/admin/training/import"), ("post", "/admin/training/import/confirm"),
    ("get", "/admin/training/import/preview/abc/problems.csv"), ("get", "/admin/training/imports"),
    ("get", "/admin/training/imports/1"), ("get", "/admin/training/imports/1/problems.csv"),
    ("post", "/admin/training/imports/1/undo"), ("get", "/admin/training/mappings"),
    ("post", "/admin/training/mappings/1/delete"), ("get", "/admin/training/region"),
    ("get", "/admin/training/region/export.csv"), ("get", "/admin/training/report"),
    ("get", "/admin/training/report/export.xlsx"), ("post", "/admin/training/snapshots"),
    ("get", "/admin/training/tokens"), ("post", "/admin/training/tokens/1/revoke"),
    ("get", "/admin/training/reminders/"), ("get", "/admin/training/reminders/{kind}/{locale}"),
    ("post", "/admin/training/reminders/{kind}/{locale}"),
]
OPEN = ["/training/mine", "/api/v1/openapi.json", "/api/v1/completions", "/training/team",
        "/training/remind-all/undo"]  # undoes only the user's own reminders


def _url(path, org, course, exemption_id=0):
    return path.format(**ids(org), requirement=course["requirement"].id, carl_exemption=exemption_id,
                       kind="employee", locale="sv")


def _shape(path: str) -> str:
    """A URL or a URL rule reduced to its shape: every variable part becomes X."""
    path = re.sub(r"\?.*", "", path)
    path = re.sub(r"<[^>]+>|\{[^}]+\}|\b\d+\b|\babc\b", "X", path)
    return re.sub(r"export\.(csv|xlsx)", "export.X", path)


def test_every_training_route_is_covered_by_the_access_tests(app):
    covered = {_shape(p) for _m, p in OUTSIDE + ADMIN_ONLY} | {_shape(p) for p in OPEN}
    rules = {_shape(r.rule) for r in app.url_map.iter_rules() if r.endpoint.startswith("training")}
    assert rules - covered == set(), "routes without an access test"


@pytest.mark.parametrize("method, path", OUTSIDE)
def test_manager_is_refused_outside_their_team(client, auth, data, course, method, path):
    from training import operations

    exemption = operations.add_exemption(data["carl"], "Tjänstledig", local(2025, 6, 1).date(),
                                         starts_on=local(2025, 1, 1).date(), by=data["admin"])
    db.session.commit()
    auth.login("boss")
    url = _url(path, data, course, exemption.id)
    form = {"reason": "x", "starts_on": "2025-01-01", "ends_on": "2025-02-01", "course": "0",
            "person": str(data["carl"].id), "requirement": str(course["requirement"].id),
            "manager": str(data["otherboss"].id)}
    response = client.get(url) if method == "get" else client.post(url, data=form)
    assert response.status_code == 403, url
    assert db.session.scalar(select(Exemption).where(Exemption.reason == "x")) is None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("method, path", ADMIN_ONLY)
def test_admin_pages_are_refused_to_managers(client, auth, data, course, method, path):
    auth.login("boss")
    url = _url(path, data, course)
    response = client.get(url) if method == "get" else client.post(url)
    assert response.status_code == 403, url


@pytest.mark.parametrize("method, path", [p for p in ADMIN_ONLY if p[0] == "get" and "{" not in p[1]
                                          and "/1" not in p[1] and "abc" not in p[1]])
def test_admin_pages_work_for_admins(client, auth, data, course, method, path):
    auth.login("admin")
    assert client.get(_url(path, data, course)).status_code == 200, path


def test_team_page_counts_and_lists_people_not_done(client, auth, data, course):
    auth.login("boss")
    body = client.get("/training/team").get_data(as_text=True)
    # Everyone below boss: lead, ann, ben; ann completed; the due date 2024-11-30 has passed.
    assert "Mitt team" in body and "Ben Testsson" in body and "Lead Testsson" in body
    assert "Ann Testsson" not in body.split('id="people"')[1]
    assert "Försenad" in body and "33,3\u00a0%" in body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.team.view"))
    assert event is not None and event.actor_id == data["boss"].id


def test_team_list_filters_and_sorts(client, auth, data):
    auth.login("boss")
    done = client.get("/training/team?state=completed").get_data(as_text=True).split('id="people"')[1]
    assert "Ann Testsson" in done and "Ben Testsson" not in done
    by_name = client.get("/training/team?state=all&sort=name&desc=1").get_data(as_text=True).split('id="people"')[1]
    assert by_name.index("Lead Testsson") < by_name.index("Ann Testsson")
    found = client.get("/training/team?state=all&q=ben").get_data(as_text=True).split('id="people"')[1]
    assert "Ben Testsson" in found and "Lead Testsson" not in found


def test_manager_may_look_at_a_team_below_them(client, auth, data):
    auth.login("boss")
    assert client.get(f"/training/team?manager={data['lead'].id}").status_code == 200
    assert client.get(f"/api/v1/training/team?manager={data['lead'].id}").json["required"] == 2


def test_employee_sees_own_status_due_date_and_course_link(client, auth, data, app):
    auth.login("ben")
    body = client.get("/training/mine").get_data(as_text=True)
    assert "Försenad" in body and "30 nov. 2024" in body and app.config["COURSE_URL"] in body
    assert client.get("/training/team").status_code == 403
    assert client.get(f"/training/people/{data['ann'].id}").status_code == 403


def test_export_states_the_data_date_and_neutralises_formulas(client, auth, data):
    data["ben"].display_name = "=HYPERLINK(\"http://evil\")"
    data["lead"].display_name = "@SUM(1+1)"
    db.session.commit()
    auth.login("boss")
    response = client.get("/training/team/export.csv")
    text = response.data.decode("utf-8-sig")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "Uppgifter per;20" in text
    assert "'=HYPERLINK" in text and "'@SUM" in text and "\n=HYPERLINK" not in text
    xlsx = client.get("/training/team/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://evil\")" in values and not any(v.startswith("=") for v in values)
    assert sheet.cell(2, 1).value == "Uppgifter per"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "training.team.export" in actions


def test_manager_can_exempt_someone_in_their_team_and_it_is_audited(client, auth, data):
    auth.login("boss")
    response = client.post(f"/training/people/{data['ben'].id}/exemptions",
                           data={"reason": "Långtidssjukskriven", "starts_on": "2025-01-01",
                                 "ends_on": "2030-12-31", "course": "0"})
    assert response.status_code == 302
    exemption = db.session.scalar(select(Exemption))
    assert exemption.created_by_id == data["boss"].id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.exemption.create"))
    page = client.get("/training/team?state=exempt").get_data(as_text=True).split('id="people"')[1]
    assert "Ben Testsson" in page


def test_exemption_form_errors_are_shown_in_swedish(client, auth, data):
    auth.login("boss")
    response = client.post(f"/training/people/{data['ben'].id}/exemptions",
                           data={"reason": "", "starts_on": "2025-02-01", "ends_on": "2025-01-01", "course": "0"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Ange ett skäl." in body and "före startdatumet" in body


def test_employee_cannot_exempt_themselves(client, auth, data):
    auth.login("ben")
    response = client.post(f"/training/people/{data['ben'].id}/exemptions",
                           data={"reason": "x", "starts_on": "2025-01-01", "ends_on": "2025-02-01", "course": "0"})
    assert response.status_code == 403


def test_region_drill_down_and_person_page_for_admin(client, auth, data, course):
    auth.login("admin")
    body = client.get("/admin/training/region").get_data(as_text=True)
    assert "Hälso- och sjukvårdsförvaltningen" in body
    akut = data["boss"].unit_id
    body = client.get(f"/admin/training/region?unit_scope={akut}&state=all").get_data(as_text=True)
    assert "Akutkliniken" in body and "Ben Testsson" in body
    assert client.get(f"/training/people/{data['ann'].id}").status_code == 200
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.person.view"))


def test_status_command_gives_the_same_numbers_as_the_pages(runner, client, auth, data):
    import json

    result = runner.invoke(args=["training", "status", "--manager", "boss", "--json"])
    report = json.loads(result.output)
    assert {"as_of", "scope", "required", "completed", "in_progress", "not_started", "overdue", "exempt",
            "units"} <= set(report)
    auth.login("boss")
    api = client.get("/api/v1/training/team").json
    assert (report["required"], report["completed"], report["overdue"]) == (api["required"], api["completed"],
                                                                             api["overdue"]) == (3, 1, 2)
    region = json.loads(runner.invoke(args=["training", "status", "--json"]).output)
    assert region["required"] == 9 and region["completed"] == 2
    unit = json.loads(runner.invoke(args=["training", "status", "--unit", str(data["boss"].unit_id),
                                          "--json"]).output)
    assert unit["scope"]["type"] == "unit" and unit["required"] == 4


def test_admin_can_set_up_courses_and_requirements_in_the_ui(client, auth, org):
    from models import Course, Requirement

    auth.login("admin")
    assert client.post("/admin/training/courses", data={"code": "SB", "name": "Säkert Beteende"}).status_code == 302
    course = db.session.scalar(select(Course))
    assert client.post("/admin/training/versions", data={"course": course.id, "name": "SB 2024",
                                                         "published_on": "2024-09-15"}).status_code == 302
    bad = client.post("/admin/training/requirements/new", data={"name": "Alla", "course": course.id,
                                                                "audience": "all", "current_version": "0"})
    assert bad.status_code == 400 and "sista datum" in bad.get_data(as_text=True)
    ok = client.post("/admin/training/requirements/new", data={"name": "Alla", "course": course.id, "audience": "all",
                                                               "due_on": "2024-11-30", "current_version": "0",
                                                               "active": "y"})
    assert ok.status_code == 302 and db.session.scalar(select(Requirement)).due_on.isoformat() == "2024-11-30"


def test_admin_saves_a_mapping_and_creates_a_token_shown_once(client, auth, org):
    from models import ApiToken, ColumnMapping

    auth.login("admin")
    client.post("/admin/training/mappings", data={"name": "Gamla exporten", "employee_number": "Personnr"})
    assert db.session.scalar(select(ColumnMapping)).columns == {"employee_number": "Personnr"}
    page = client.post("/admin/training/tokens", data={"name": "kompetensportalen"}).get_data(as_text=True)
    token = re.search(r"(vks_[A-Za-z0-9_-]+)", page).group(1)
    assert db.session.scalar(select(ApiToken)).token_hash != token
    assert token not in client.get("/admin/training/tokens").get_data(as_text=True)


def test_region_exports_and_snapshot_on_demand(client, auth, data):
    auth.login("admin")
    units = client.get("/admin/training/region/export.csv").data.decode("utf-8-sig")
    assert "Hälso- och sjukvårdsförvaltningen" in units and "Totalt;9;2" in units
    akut = data["boss"].unit_id
    people = client.get(f"/admin/training/region/export.xlsx?unit_scope={akut}&what=people")
    names = [c.value for row in load_workbook(io.BytesIO(people.data)).active.iter_rows() for c in row]
    assert "Ben Testsson" in names and "Carl Testsson" not in names
    assert client.post("/admin/training/snapshots").status_code == 302
    body = client.get("/admin/training/region").get_data(as_text=True)
    assert "Nyckeltal per mättillfälle" in body


# An id in a URL that is not a plain number ("²", which str.isdigit() accepts, or one too long for an
# integer column) is "no such unit" on the team and region pages, never a server error.
@pytest.mark.parametrize("raw", ["²", "٣", "9" * 30, "-1", " 12 x"])
def test_an_odd_unit_filter_is_no_filter(raw, client, auth, data):
    auth.login("boss")
    assert client.get("/training/team", query_string={"unit": raw}).status_code == 200
    auth.logout()
    auth.login("admin")
    assert client.get("/admin/training/region", query_string={"unit": raw}).status_code == 200


def test_parse_id_takes_plain_short_numbers_only():
    from main.forms import parse_id

    assert parse_id("42") == 42 and parse_id(" 7 ") == 7 and parse_id("123456789") == 123456789
    for raw in ("", None, "²", "٣", "1e3", "-1", "4.0", "1234567890", "12 x"):
        assert parse_id(raw) is None, raw
