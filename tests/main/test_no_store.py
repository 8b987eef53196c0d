"""No response with personal data may be kept by a browser or proxy: an admin walks every
GET route of the loaded demo (following the links the pages show, one working URL per
route) and every answer but static files and the health check is `Cache-Control:
no-store`. CSV downloads name their charset exactly once."""
from __future__ import annotations

import html
import re
from collections import deque
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from extensions import db
from main.security import CACHEABLE_ENDPOINTS
from models import Person
from outbox.operations import enqueue
from outbox.sender import send_due
from tests.conftest import PASSWORD

HREF = re.compile(r'(?:href|src)="(/[^"#]*)"')
#: Routes an admin cannot reach by a link in the demo (a secret token, a file that may not exist).
UNREACHABLE = {"static"}


def crawl(app, client, start: list[str], limit: int = 800) -> dict[str, list[tuple[str, object]]]:
    """{endpoint: [(url, response)]}: the start URLs, then the links pages show; one working
    URL per route and kind of download (?format=csv is another kind than the page)."""
    adapter = app.url_map.bind("localhost")
    queue = deque(start)
    seen: set[str] = set()
    ok: set[tuple] = set()
    answers: dict[str, list] = {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        path, _sep, query = url.partition("?")
        try:
            endpoint, _args = adapter.match(path, method="GET")
        except HTTPException:
            continue
        kind = (endpoint, path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else "",
                tuple(sorted(v for k, v in parse_qsl(query) if k in ("format", "fmt"))))
        if url in seen or kind in ok or len(answers.get(endpoint, [])) >= 3:
            continue
        seen.add(url)
        response = client.get(url)
        answers.setdefault(endpoint, []).append((url, response))
        if response.status_code == 200:
            ok.add(kind)
        if response.mimetype == "text/html":
            queue.extend(html.unescape(u) for u in HREF.findall(response.get_data(as_text=True)))
    return answers


def guessed_urls(app, person_id: int) -> list[str]:
    """A URL for every GET rule with arguments, with made-up values (404s are checked too)."""
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.arguments or rule.endpoint == "static":
            continue
        values = {}
        for name, converter in rule._converters.items():
            items = getattr(converter, "items", None)
            values[name] = (min(items) if items else person_id if name == "person_id"
                            else 1 if "Integer" in type(converter).__name__ else "x")
        urls.append(adapter.build(rule.endpoint, values))
    return urls


@pytest.fixture
def app_config(tmp_path):
    return {"SMTP_HOST": "", "OUTBOX_MAIL_DIR": str(tmp_path / "mail"), "DEMO_MODE": True}  # .eml files to preview


def test_every_get_route_an_admin_reaches_is_no_store(app, client, make_person, loaded_demo):
    enqueue("test.no-store", to="anna@region.example", subject="Hej", text="Personligt innehåll")
    db.session.commit()
    assert send_due().sent >= 1
    app.config["LDAP_URL"] = ""  # the walker below is a local account
    make_person("walker", roles=("admin",))
    db.session.commit()
    assert client.post("/login", data={"username": "walker", "password": PASSWORD}).status_code == 302
    walker = db.session.scalar(select(Person).where(Person.username == "walker"))
    start = [r.rule for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments]
    answers = crawl(app, client, start + guessed_urls(app, walker.id))
    missing_header, csv_charsets, reached = [], [], set()
    for endpoint, calls in answers.items():
        for url, response in calls:
            cache = response.headers.get("Cache-Control", "")
            if endpoint in CACHEABLE_ENDPOINTS:
                assert "no-store" not in cache, url
            elif cache != "no-store":
                missing_header.append((url, response.status_code, cache))
            if response.mimetype == "text/csv":
                csv_charsets.append((url, response.headers["Content-Type"].lower().count("charset=")))
            if response.status_code == 200:
                reached.add(endpoint)
    get_endpoints = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods} - UNREACHABLE
    assert missing_header == []
    assert csv_charsets and all(n == 1 for _url, n in csv_charsets), csv_charsets
    assert len(reached) >= 0.85 * len(get_endpoints), sorted(get_endpoints - reached)
    assert {"outbox.eml", "followup.followup_export", "training.team_export", "training_api.person_status",
            "static", "main.healthz"} <= reached
