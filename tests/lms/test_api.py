"""POST /api/v1/completions with per-integration tokens, and the OpenAPI document."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from extensions import db
from lms import tokens
from models import ApiToken, Completion, PersonStatus, utcnow
from tests.training.conftest import local
from training import freshness


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}  # the API must work with CSRF on: it is exempt


@pytest.fixture
def token(org, course):
    _row, plain = tokens.create_token("kompetensportalen", None)
    db.session.commit()
    return plain


def post(client, token, body, **kw):
    return client.post("/api/v1/completions", json=body, headers={"Authorization": f"Bearer {token}"}, **kw)


BODY = {"username": "ANN", "course": "Säkert Beteende 2024", "status": "completed",
        "completed_at": "2024-10-01T09:30:00+02:00"}


def count():
    return db.session.scalar(select(func.count()).select_from(Completion))


def test_push_is_recorded_once_and_idempotent(client, org, token, course):
    first = post(client, token, BODY)
    assert first.status_code == 201 and first.json["result"] == "created"
    again = post(client, token, {**BODY, "completed_at": "2024-10-01T07:30:00Z"})  # same moment in UTC
    assert again.status_code == 200 and again.json == {"result": "unchanged", "id": first.json["id"]}
    row = db.session.get(Completion, first.json["id"])
    assert row.person_id == org["ann"].id and row.source == "api" and row.completed_at == local(2024, 10, 1, 9, 30)
    assert count() == 1


def test_a_start_never_replaces_a_completion(client, org, token, course):
    post(client, token, BODY)
    response = post(client, token, {"username": "ann", "course": "Säkert Beteende 2024", "status": "in_progress"})
    assert response.status_code == 200 and count() == 1


def test_push_updates_the_team_numbers_at_once(client, org, token, course):
    freshness.run_pending(utcnow())
    post(client, token, BODY)
    status = db.session.get(PersonStatus, dict(requirement_id=course["requirement"].id, person_id=org["ann"].id))
    db.session.refresh(status)
    assert status.state == "completed"


@pytest.mark.parametrize("headers, status", [
    ({}, 401), ({"Authorization": "Bearer nope"}, 401), ({"Authorization": "Basic abc"}, 401),
])
def test_bad_tokens_are_refused_with_json(client, org, token, course, headers, status):
    response = client.post("/api/v1/completions", json=BODY, headers=headers)
    assert response.status_code == status and response.json["error"] == "unauthorized"
    assert "Bearer" in response.headers["WWW-Authenticate"] and count() == 0


def test_revoked_token_is_refused(client, org, token, course):
    row = db.session.scalar(select(ApiToken))
    tokens.revoke_token(row, None, local(2025, 1, 1))
    db.session.commit()
    assert post(client, token, BODY).status_code == 401


def test_token_is_stored_hashed(org, token):
    row = db.session.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.prefix) and row.token_hash == tokens.hash_token(token)


@pytest.mark.parametrize("body, status, code", [
    ({**BODY, "username": "nobody"}, 422, "unmatched"),
    ({**BODY, "course": "Brandskydd"}, 422, "unknown_course"),
    ({**BODY, "completed_at": "igår"}, 400, "invalid_field"),
    ({**BODY, "completed_at": "2099-01-01T00:00:00Z"}, 400, "invalid_field"),
    ({**BODY, "status": "kanske"}, 400, "invalid_field"),
    ({"course": "Säkert Beteende 2024"}, 400, "invalid_field"),
    ([1, 2, 3], 400, "invalid_json"),
])
def test_bad_bodies_get_4xx_json(client, org, token, course, body, status, code):
    response = post(client, token, body)
    assert response.status_code == status and response.json["error"] == code and count() == 0


def test_ambiguous_email_is_refused(client, org, token, course):
    org["ben"].email = org["carl"].email = "delad@example.se"
    db.session.commit()
    response = post(client, token, {**BODY, "username": None, "email": "Delad@example.se"})
    assert response.status_code == 422 and response.json["error"] == "ambiguous"


def test_broken_json_and_huge_bodies_are_4xx(client, org, token, course):
    response = client.post("/api/v1/completions", data=b"{not json", content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and "error" in response.json
    big = post(client, token, {**BODY, "padding": "x" * 100_000})
    assert big.status_code == 413 and big.json["error"]


def test_openapi_document_parses_and_lists_the_endpoint(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    operation = doc["paths"]["/completions"]["post"]
    assert {"201", "200", "400", "401", "422"} <= set(operation["responses"])
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_token_cli_create_list_revoke(runner, org):
    created = runner.invoke(args=["training", "token", "create", "lms"])
    assert created.exit_code == 0 and created.output.startswith("vks_")
    assert "lms" in runner.invoke(args=["training", "token", "list"]).output
    assert runner.invoke(args=["training", "token", "create", "lms"]).exit_code != 0
    assert "revoked" in runner.invoke(args=["training", "token", "revoke", "lms"]).output
    assert tokens.find_token(created.output.strip()) is None
