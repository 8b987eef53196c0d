"""The application factory, settings and the health check."""
from __future__ import annotations

import config
from app import create_app
from tests.conftest import test_config


def test_secret_key_comes_from_the_environment_only(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("VAKSAM_INSTANCE", str(tmp_path))
    assert config.from_env()["SECRET_KEY"] == ""  # create_app refuses (tests/demo/test_demo_mode.py)
    assert not (tmp_path / "secret_key").exists()
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert config.from_env()["SECRET_KEY"] == "from-the-environment"


def test_settings_come_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VAKSAM_INSTANCE", str(tmp_path))
    monkeypatch.setenv("TIMEZONE", "Europe/Helsinki")
    monkeypatch.setenv("SMTP_MAX_PER_MINUTE", "42")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = config.from_env()
    assert settings["TIMEZONE"] == "Europe/Helsinki"
    assert settings["SMTP_MAX_PER_MINUTE"] == 42
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'vaksam.db'}"
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_bad_number_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "abc")
    try:
        config.from_env()
    except RuntimeError as exc:
        assert "SMTP_PORT" in str(exc)
    else:
        raise AssertionError("expected a RuntimeError")


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(tmp_path):
    app = create_app(test_config(f"sqlite:///{tmp_path}/missing/dir/db.sqlite"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
