"""main.navigation.UrlPattern builds the same links as url_for, one url_for for a whole list."""
from __future__ import annotations

import pytest
from flask import url_for

from main.navigation import UrlPattern


@pytest.mark.parametrize("params", [
    {},
    {"manager": 7, "requirement": 2},
    {"manager": None, "requirement": 2, "state": "todo", "unit": 5, "q": "Åsa & Bo=1 %?#/"},
    {"unit": None, "q": "unit=VAKSAMURLPATTERNMARK"},
    {"my_unit": "VAKSAMURLPATTERNMARK", "unit": 3},
])
def test_same_links_as_url_for(app, params):
    with app.test_request_context():
        pattern = UrlPattern("training.team", params, "unit")
        for value in (0, 1, 12345, "ä b&c", "x/y?z", None):
            assert pattern(value) == url_for("training.team", **{**params, "unit": value})


def test_a_path_argument_is_refused(app):
    with app.test_request_context(), pytest.raises(ValueError, match="person_id"):
        UrlPattern("training.person", {}, "person_id")
