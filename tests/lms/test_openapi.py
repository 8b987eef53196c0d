"""The OpenAPI document describes every /api/v1 endpoint, is valid OpenAPI 3, and the
API keeps to it: schemathesis sends generated requests (bounded, derandomised) to the
app in-process, as an LMS with a token and as a signed-in admin, and every answer must
be documented, match its schema and never be a 5xx. Bodies nested deeper than 32 levels
and fields of the wrong JSON type get 400 with a JSON reason."""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from extensions import db
from lms import tokens

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


#: "auth ignored" cannot see a session cookie set on the case (test_signed_out_calls_are_401 covers it);
#: "positive data acceptance" wants every schema-valid body accepted, but a body naming an unknown
#: course or person is valid JSON for the schema and rightly answered 422 or 400.
EXCLUDED_CHECKS = [ignored_auth, positive_data_acceptance]


@pytest.fixture
def token(org, course):
    _row, plain = tokens.create_token("kompetensportalen", None)
    db.session.commit()
    return plain


def api_rules(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            found |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_every_api_endpoint_is_described(app, client):
    doc = client.get("/api/v1/openapi.json").json
    described = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert api_rules(app) == described and len(described) >= 4
    for path, method in described:
        assert "200" in doc["paths"][path][method]["responses"] or method == "post"


def test_the_document_is_valid_openapi(client):
    validate(client.get("/api/v1/openapi.json").json)


def test_schemathesis_finds_no_5xx_and_no_schema_violation(app, client, auth, org, token):
    auth.login("admin")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=25, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            # Signed in both ways: as the LMS (bearer token) and as an admin (session cookie).
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            case.cookies = {**(case.cookies or {}), cookie.key: cookie.value}
            response = case.call()
            case.validate_response(response, excluded_checks=EXCLUDED_CHECKS)
            assert response.status_code < 500

        check()
        checked.append(operation.label)
    # schemathesis leaves out the operation that serves the schema it was loaded from.
    described = {f"{m.upper()} {p}" for p, item in schema.raw_schema["paths"].items() for m in item}
    assert set(checked) == described - {"GET /openapi.json"} and len(checked) >= 3, checked


def test_signed_out_calls_are_401(client, org, course):
    for path in ("/api/v1/training/team", f"/api/v1/training/people/{org['ann'].id}"):
        response = client.get(path)
        assert response.status_code == 401 and response.json["error"]
    assert client.post("/api/v1/completions", json={"course": "x"}).status_code == 401


def post(client, token, data, content_type="application/json"):
    return client.post("/api/v1/completions", data=data, content_type=content_type,
                       headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("arrays, error", [(31, "invalid_field"), (32, "too_deep"), (100_000, "too_deep")])
def test_deeply_nested_json_is_a_400_with_a_reason(client, token, arrays, error):
    body = '{"username": ' + "[" * arrays + "]" * arrays + ', "course": "x"}'  # the object is one level
    response = post(client, token, body)
    assert response.status_code == 400 and response.json["error"] == error


def test_brackets_inside_strings_do_not_count_as_nesting(client, token):
    response = post(client, token, '{"username": "' + "[" * 100 + '", "course": "x"}')
    assert response.status_code == 422 and response.json["error"] == "unknown_course"


@pytest.mark.parametrize("field, value", [
    ("username", {}), ("username", []), ("email", 5), ("status", {}), ("course", ["x"]),
    ("employee_number", True), ("completed_at", 20241001), ("username", "ann\x00"), ("username", "a\nb"),
])
def test_fields_of_the_wrong_type_are_a_400(client, token, field, value):
    body = {"username": "ann", "course": "Säkert Beteende 2024", "completed_at": "2024-10-01T09:30:00+02:00",
            field: value}
    response = client.post("/api/v1/completions", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response.json["error"] == "invalid_field" and field in response.json[
        "message"]


def test_year_one_is_an_invalid_date_not_a_crash(client, token):
    body = {"username": "ann", "course": "Säkert Beteende 2024", "completed_at": "0001-01-01T00:00:00"}
    response = client.post("/api/v1/completions", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response.json["error"] == "invalid_field"


def test_ids_beyond_any_row_are_404_not_500(client, auth, org):
    auth.login("admin")
    assert client.get(f"/api/v1/training/people/{2**70}").status_code == 404
    assert client.get(f"/api/v1/training/team?manager={2**70}").status_code == 404
