""""Mitt team" and the region page cost what is on the screen, not the org chart: at most
50 unit rows, worst completion first, a unit search, and the same number of SQL
statements for a tree of 3 units as for one of 120."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date

import pytest
import time_machine
from flask import g
from sqlalchemy import event

from extensions import db
from tests.training.conftest import local
from training import freshness, operations

NOW = local(2025, 1, 15)


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def build(make_unit, make_person, n_units: int, complete_every: int = 3) -> dict:
    """A director over a region unit with `n_units` clinics, one employee in each (some done)."""
    from directory.tree import rebuild_closure, rebuild_unit_paths

    region = make_unit("R", "Regionen")
    director = make_person("director", unit=region, roles=("admin",))
    course = operations.ensure_course("SB", "Säkert Beteende").obj
    version = operations.ensure_version(course, "Säkert Beteende 2024", date(2024, 9, 15)).obj
    operations.ensure_requirement(course, operations.RequirementSpec(name="Alla", due_on=date(2025, 6, 30)))
    people = []
    for i in range(n_units):
        unit = make_unit(f"R/K{i:03d}", f"Klinik {i:03d}", parent=region)
        people.append(make_person(f"p{i:03d}", manager=director, unit=unit, password=False))
    db.session.flush()
    from models import Completion
    for i, person in enumerate(people):
        if i % complete_every:
            db.session.add(Completion(person_id=person.id, version_id=version.id, state="completed",
                                      completed_at=local(2024, 10, 1), source="demo"))
    rebuild_unit_paths(db.session)
    rebuild_closure(db.session)
    db.session.commit()
    freshness.run_pending(NOW)
    return {"director": director, "region": region}


PAGES = ["/training/team", "/training/team?unit_page=2", "/training/team?unit_q=klinik+00",
         "/admin/training/region", "/admin/training/region?unit_scope={region}",
         "/admin/training/region?unit_scope={region}&unit_q=klinik&unit_page=2"]


def statements_per_page(client, auth, tree) -> dict[str, int]:
    auth.login("director")
    result = {}
    with time_machine.travel(NOW, tick=False):
        for path in PAGES:
            url = path.format(region=tree["region"].id)
            client.get(url)  # warm: the first request loads the log-in and the translations
            g.pop("training_requirements", None)  # the tests' requests share one app context
            with counted() as statements:
                assert client.get(url).status_code == 200
            result[path] = len(statements)
    return result


def unit_rows(body: str) -> list[str]:
    table = body.split("<caption>Per enhet</caption>")[1].split("</table>")[0]
    return re.findall(r'<th scope="row">(?:<a href="[^"]*">)?([^<]+)', table)


@pytest.mark.parametrize("units", [3, 120])
def test_team_page_shows_at_most_50_units_worst_first(client, auth, make_unit, make_person, units):
    build(make_unit, make_person, units)
    auth.login("director")
    with time_machine.travel(NOW, tick=False):
        body = client.get("/training/team").get_data(as_text=True)
        rows = unit_rows(body)
        assert len(rows) == min(units, 50)
        # p000, p003, … have not completed: their clinics come first.
        assert rows[0] == "Klinik 000" and (units < 4 or rows[1] == "Klinik 003")
        if units > 50:
            assert "Visar 50 av 120 enheter" in body
            last = unit_rows(client.get("/training/team?unit_page=3").get_data(as_text=True))
            assert len(last) == 20
            found = unit_rows(client.get("/training/team?unit_q=klinik+11").get_data(as_text=True))
            assert sorted(found) == [f"Klinik {i}" for i in range(110, 120)]


def test_region_page_pages_and_searches_units(client, auth, make_unit, make_person):
    tree = build(make_unit, make_person, 120)
    auth.login("director")
    with time_machine.travel(NOW, tick=False):
        body = client.get(f"/admin/training/region?unit_scope={tree['region'].id}").get_data(as_text=True)
        assert len(unit_rows(body)) == 50 + 1  # and the total
        found = client.get(f"/admin/training/region?unit_scope={tree['region'].id}&unit_q=Klinik+042")
        assert unit_rows(found.get_data(as_text=True)) == ["Klinik 042", "Totalt"]


def test_statements_per_page_do_not_grow_with_the_org_chart(app, client, auth, make_unit, make_person):
    small = statements_per_page(client, auth, build(make_unit, make_person, 3))
    auth.logout()
    from tests.conftest import _empty_all_tables
    _empty_all_tables()
    large = statements_per_page(client, auth, build(make_unit, make_person, 120))
    assert large == small
    assert max(large.values()) <= 30


def test_unit_and_manager_rows_link_and_count_as_before(app, client, auth, make_unit, make_person):
    """The rows are formatted in one pass (training.display.count_rows) and linked through one
    url_pattern per list: the same cells and links url_for and the filters gave."""
    from flask import url_for

    from models import Requirement, Unit

    build(make_unit, make_person, 3)
    auth.login("director")
    with time_machine.travel(NOW, tick=False):
        team = client.get("/training/team").get_data(as_text=True)
        region = client.get("/admin/training/region").get_data(as_text=True)
    with app.test_request_context():
        requirement = db.session.scalar(db.select(Requirement))
        clinic = db.session.scalar(db.select(Unit).where(Unit.name == "Klinik 000"))
        region_unit = db.session.scalar(db.select(Unit).where(Unit.name == "Regionen"))
        team_href = url_for("training.team", requirement=requirement.id, state="todo", unit=clinic.id)
        region_href = url_for("training_reports.region", requirement=requirement.id, unit_scope=region_unit.id)
    # Klinik 000: one person, not done; Klinik 001: one person, done.
    cells = ('<td class="num">1</td><td class="num">0</td>\n    <td class="num share"><progress max="1" value="0" '
             'aria-hidden="true"></progress> 0,0\u00a0%</td>')
    assert f'<th scope="row"><a href="{team_href.replace("&", "&amp;")}">Klinik 000</a></th>\n    {cells}' in team
    assert f'<a href="{region_href.replace("&", "&amp;")}">Regionen</a>' in region
    assert "100,0\u00a0%" in team


@pytest.mark.parametrize("page", ["person", "region"])
def test_audited_pages_commit_after_rendering(app, client, auth, make_unit, make_person, page):
    """The audit event is committed after the page is rendered, so the commit does not expire
    the viewer (and the person shown), who would otherwise be loaded again with their roles."""
    from sqlalchemy import select

    from models import AuditEvent, Person

    build(make_unit, make_person, 3)
    auth.login("director")
    person_id = db.session.scalar(select(Person.id).where(Person.username == "p001"))
    url = f"/training/people/{person_id}" if page == "person" else "/admin/training/region"
    with time_machine.travel(NOW, tick=False):
        client.get(url)  # warm
        g.pop("training_requirements", None)
        with counted() as statements:
            assert client.get(url).status_code == 200
    role_loads = [s for s in statements if "FROM role_grant" in s]
    assert len(role_loads) == 1, role_loads  # the viewer's; the person shown needs none
    action = "training.person.view" if page == "person" else "training.region.view"
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()) == 2


def test_person_page_reads_the_person_shown_with_their_unit_in_one_statement(app, client, auth, make_unit,
                                                                              make_person):
    """The person shown comes with their unit and without their role grants, in one statement."""
    from sqlalchemy import select

    from models import Person

    build(make_unit, make_person, 3)
    auth.login("director")
    person_id = db.session.scalar(select(Person.id).where(Person.username == "p001"))
    with time_machine.travel(NOW, tick=False):
        client.get(f"/training/people/{person_id}")  # warm
        db.session.expunge_all()  # as in a new request's session: nobody loaded yet
        g.pop("_login_user", None)
        g.pop("training_requirements", None)
        with counted() as statements:
            assert client.get(f"/training/people/{person_id}").status_code == 200
    shown = [s for s in statements if "FROM person LEFT OUTER JOIN unit AS unit_1" in s]
    assert len(shown) == 1 and "WHERE person.id =" in shown[0], statements
    assert not [s for s in statements if "FROM unit" in s and "FROM person" not in s], statements
    assert len([s for s in statements if "FROM role_grant" in s]) <= 1, statements  # the viewer's only
