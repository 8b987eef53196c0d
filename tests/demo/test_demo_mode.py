"""Demo stays demo: the CLI group, the embedded directory and the demo passwords exist only in
demo mode; outside it the app refuses to start without SECRET_KEY or with LDAP_URL=demo."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete

import config
from app import create_app
from demo import logins
from demo.load import load_demo
from demo.region import build_region
from extensions import db
from models import DemoLogin
from tests.conftest import test_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config():
    return {"DEMO_MODE": True}


def test_no_secret_key_outside_demo_mode_is_refused(migrated):
    with pytest.raises(config.ConfigError) as info:
        create_app(test_config(migrated, SECRET_KEY=""))
    assert "SECRET_KEY is not set" in str(info.value) and "\n" not in str(info.value)


def test_flask_cli_without_secret_key_prints_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEMO_MODE")}
    env.update(VAKSAM_INSTANCE=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "routes"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "SECRET_KEY is not set: set it to a long random value (e.g. `openssl rand -hex 32`)."]
    assert not (tmp_path / "secret_key").exists()  # no key made up on the fly


def test_demo_mode_makes_its_key_once_into_the_instance(migrated, tmp_path, monkeypatch):
    monkeypatch.setenv("VAKSAM_INSTANCE", str(tmp_path))
    first = create_app(test_config(migrated, SECRET_KEY="", DEMO_MODE=True)).secret_key
    second = create_app(test_config(migrated, SECRET_KEY="", DEMO_MODE=True)).secret_key
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_demo_directory_is_refused_outside_demo_mode(migrated):
    with pytest.raises(config.ConfigError) as info:
        create_app(test_config(migrated, LDAP_URL="demo"))
    assert "DEMO_MODE" in str(info.value)


def test_demo_commands_exist_only_in_demo_mode(migrated, app):
    production = create_app(test_config(migrated))
    result = production.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "No such command 'demo'" in result.output
    assert "demo" not in production.cli.commands and "demo" in app.cli.commands


def test_demo_load_prints_the_random_passwords(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    for row in logins.current():
        assert f"password: {row.password}" in result.output


def test_demo_passwords_are_random_per_database_and_not_in_the_source(app, client, loaded_demo):
    first = {row["username"]: row["password"] for row in loaded_demo["logins"]}
    assert len(set(first.values())) == 4 and all(len(p) >= 12 for p in first.values())
    sources = [p for p in ROOT.rglob("*") if p.suffix in (".py", ".md", ".html", ".csv", ".txt")
               and ".venv" not in p.parts and ".git" not in p.parts]
    for password in first.values():
        assert not any(password in path.read_text(errors="ignore") for path in sources)
    # A new database (here: the demo log-ins made afresh) gets other passwords; the old ones stop working.
    db.session.execute(delete(DemoLogin))
    second = {row.username: row.password for row in logins.ensure_passwords()}
    db.session.commit()
    assert set(first) == set(second) and all(first[u] != second[u] for u in first)
    assert client.post("/login", data={"username": "admin", "password": first["admin"]}).status_code == 401
    assert client.post("/login", data={"username": "admin", "password": second["admin"]}).status_code == 302


def test_demo_addresses_are_under_example():
    _units, people = build_region()
    addresses = [p.email for p in people if p.email]
    assert addresses and all(a.rsplit("@", 1)[1].endswith(".example") for a in addresses)
    for export in (ROOT / "demo" / "data").glob("*.csv"):
        assert "@regionexempel.se" not in export.read_text(encoding="utf-8-sig", errors="ignore")


def test_loading_the_demo_never_changes_the_running_configuration(app):
    before = dict(app.config)
    load_demo()
    assert dict(app.config) == before


def test_demo_load_outside_demo_mode_is_refused_and_changes_nothing(migrated, app):
    production = create_app(test_config(migrated))
    before = dict(production.config)
    with production.app_context():
        with pytest.raises(RuntimeError, match="DEMO_MODE"):
            load_demo()
    assert dict(production.config) == before and production.config["LDAP_URL"] == ""
