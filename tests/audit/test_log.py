"""The admins' audit log page: filters and pages."""
from __future__ import annotations

from datetime import datetime, timezone

import time_machine

import audit
from extensions import db

#: 00:30 on 11 March in Stockholm, still 10 March in UTC: the page's dates are local days.
NOW = datetime(2026, 3, 10, 23, 30, tzinfo=timezone.utc)


@time_machine.travel(NOW, tick=False)
def test_admin_filters_the_log_by_action_and_actor_and_pages_through_it(app, client, auth, make_person):
    admin = make_person("admin", roles=("admin",))
    other = make_person("other")
    for i in range(105):
        audit.record("person.view", "person", i, actor_id=admin.id, commit=False)
    audit.record("export.team", "person", 1, actor_id=other.id, commit=False)
    db.session.commit()
    auth.login("admin")

    first = client.get("/admin/audit?action=person.&actor=admin").get_data(as_text=True)
    assert first.count("person.view") >= 100 and "export.team" not in first
    second = client.get("/admin/audit?action=person.&actor=admin&page=2").get_data(as_text=True)
    assert second.count("person.view") >= 5 and second.count("person.view") < 100
    by_other = client.get("/admin/audit?actor=OTHER").get_data(as_text=True)
    assert "export.team" in by_other and "person.view" not in by_other
    assert "export.team" not in client.get("/admin/audit?to=2000-01-01").get_data(as_text=True)
    assert "export.team" in client.get("/admin/audit?from=2026-03-11&to=2026-03-11").get_data(as_text=True)
    assert "export.team" not in client.get("/admin/audit?from=2026-03-10&to=2026-03-10").get_data(as_text=True)
    assert client.get("/admin/audit?page=999").status_code == 200  # past the end: an empty page, not an error
