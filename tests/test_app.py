"""The application factory, settings and the health check."""
from __future__ import annotations

import os

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


def test_postgresql_sessions_run_in_utc_unless_a_zone_is_given():
    from app import utc_sessions

    base = {"pool_pre_ping": True}
    assert utc_sessions("sqlite:///x.db", base) == base
    assert utc_sessions("postgresql+psycopg://u@h/db", base) == {
        "pool_pre_ping": True, "connect_args": {"options": "-c timezone=UTC"}}
    # Options already given (in connect_args or in the URL) are kept, and ours added to them.
    kept = utc_sessions("postgresql+psycopg://u@h/db?options=-c%20statement_timeout%3D5000", base)
    assert kept["connect_args"]["options"] == "-c statement_timeout=5000 -c timezone=UTC"
    given = {"connect_args": {"options": "-c TimeZone=Europe/Stockholm"}}
    assert utc_sessions("postgresql://u@h/db", given) == given  # their zone is theirs to choose
    twice = utc_sessions("postgresql://u@h/db?options=-c%20a%3D1&options=-c%20b%3D2", base)
    assert twice["connect_args"]["options"] == "-c a=1 -c b=2 -c timezone=UTC"
    logged = utc_sessions("postgresql://u@h/db", {"connect_args": {"options": "-c log_timezone=UTC"}})
    assert logged["connect_args"]["options"] == "-c log_timezone=UTC -c timezone=UTC"
    assert base == {"pool_pre_ping": True}  # the caller's dict is not changed


def test_utc_sessions_keep_what_libpq_reads_from_the_environment(monkeypatch):
    from app import utc_sessions

    monkeypatch.delenv("PGTZ", raising=False)
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=5000")  # replaced by an options argument: kept in it
    assert utc_sessions("postgresql://u@h/db", {})["connect_args"]["options"] == (
        "-c statement_timeout=5000 -c timezone=UTC")
    monkeypatch.setenv("PGTZ", "Europe/Stockholm")
    assert utc_sessions("postgresql://u@h/db", {}) == {}


def test_timestamps_read_back_in_utc_as_stored(app):
    from datetime import datetime, timezone

    from sqlalchemy import select, text

    from extensions import db
    from models import AuditEvent

    at = datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)  # the night Sweden moves to summer time
    db.session.add(AuditEvent(at=at, action="test.utc", target_type="test"))
    db.session.commit()
    read = db.session.scalar(select(AuditEvent.at).where(AuditEvent.action == "test.utc"))
    assert read == at and read.tzinfo is timezone.utc
    if db.engine.dialect.name == "postgresql" and not os.environ.get("PGTZ"):
        assert db.session.scalar(text("SHOW TIME ZONE")) == "UTC"


def test_building_the_app_leaves_the_heavy_libraries_unloaded(tmp_path):
    """Libraries only some commands and pages need are imported where they are used (decision 13
    in docs/architecture.md): a fresh interpreter that builds the app has not imported them, and
    using them still works."""
    import subprocess
    import sys

    from jobs.batch import LOADED_ON_USE

    code = (
        "import sys; from app import create_app; "
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db'}}); "
        f"print(sorted(m for m in {LOADED_ON_USE!r} if m in sys.modules)); "
        "from datetime import date; from jobs.workdays import is_working_day; "
        "print(is_working_day(date(2026, 12, 24)), is_working_day(date(2026, 12, 23)))"
    )
    env = {**os.environ, "SECRET_KEY": "x" * 40, "DEMO_MODE": "0"}
    done = subprocess.run([sys.executable, "-c", code], cwd=config.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["[]", "False True"]  # julafton is no working day
