"""An id in a URL that is not a plain number ("²", which str.isdigit() accepts, or one too long for
an integer column) is "no such unit" on the team and region pages, never a server error."""
from __future__ import annotations

import pytest

from extensions import db
from models import utcnow
from tests.training.conftest import local
from training import freshness


@pytest.fixture
def data(org, course, complete):
    complete(org["ann"], course["v2024"], local(2024, 10, 1))
    db.session.commit()
    freshness.run_pending(utcnow())
    return org


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
