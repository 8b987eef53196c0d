"""Security defaults: CSRF, headers, cookies, error pages, bad input."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from extensions import db
from models import LoginAttempt
from tests.conftest import PASSWORD


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "SESSION_COOKIE_SECURE": True}


def csrf_token(client, path="/login"):
    import re

    body = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1)


def test_post_without_csrf_token_is_refused(client, org):
    response = client.post("/login", data={"username": "ann", "password": PASSWORD})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_post_with_csrf_token_works(client, org):
    token = csrf_token(client)
    response = client.post("/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_csrf_error_is_explained_in_swedish(client, org):
    response = client.post("/sprak", data={"lang": "en"})
    assert response.status_code == 400
    assert "säkerhetstoken" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_inline_scripts_or_styles(client, org):
    token = csrf_token(client)
    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    for path in ("/", "/login", "/tillganglighet", "/admin/people", "/admin/audit", "/admin/jobs", "/team"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>" not in body and "style=" not in body and "<style" not in body, path


def test_session_cookie_flags(client, org):
    token = csrf_token(client)
    response = client.post("/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token})
    cookie = next(v for k, v in response.headers.items()
                  if k == "Set-Cookie" and v.startswith("__Host-vaksam_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie  # what the __Host- prefix requires


def test_404_in_swedish(client):
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.get_data(as_text=True)


def test_405_in_swedish_with_allow_header(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "Metoden är inte tillåten" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]


def test_api_errors_are_json(client):
    response = client.get("/api/v1/finns-inte")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_oversized_body_is_refused(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "För stor begäran" in response.get_data(as_text=True)


def test_overlong_field_rerenders_with_error(client, org):
    token = csrf_token(client)
    response = client.post("/login", data={"username": "a" * 300, "password": "x", "csrf_token": token})
    assert response.status_code == 400
    assert "För långt." in response.get_data(as_text=True)


def test_non_utf8_body_is_refused(client, org):
    response = client.post("/login", data=b"username=%ff%fe&password=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_unhandled_error_shows_no_stack_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-test")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom-test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Något gick fel" in body and "secret internals" not in body and "Traceback" not in body
