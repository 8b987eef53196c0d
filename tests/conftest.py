"""Shared fixtures: the app on SQLite and on a real PostgreSQL, factories, log-in helpers.

Every test that uses `app` runs twice, once per backend (`--db sqlite,postgresql` by
default; `--db sqlite` for a quick run). The schema comes from the Alembic migrations,
upgraded once per backend; after each test every table is emptied.
"""
from __future__ import annotations

import os
import tempfile
from datetime import date

import pytest
from sqlalchemy import text

_TMP = tempfile.mkdtemp(prefix="vaksam-tests-")
os.environ["VAKSAM_INSTANCE"] = _TMP
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
for _name in [n for n in os.environ if n.startswith(("LDAP_", "SMTP_")) or n in ("DATABASE_URL", "DEMO_MODE")]:
    del os.environ[_name]

from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from tests.suite_speed import DemoSnapshot, empty_postgres_tables, lazy_url_builders  # noqa: E402

lazy_url_builders()  # test-only: see tests/suite_speed.py

PASSWORD = "correct-horse-battery"


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("TEST_DATABASES", "sqlite,postgresql"),
                     help="Comma-separated database backends to run the suite on.")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        backends = [b.strip() for b in metafunc.config.getoption("--db").split(",") if b.strip()]
        metafunc.parametrize("backend", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server, or the one named by TEST_DATABASE_URL."""
    from tests.services import Postgres

    server = Postgres()
    server.start()
    yield server
    server.stop()


#: One database per backend per test process: pytest may tear a parametrized session
#: fixture down and set it up again when files alternate between backends (pytest-xdist).
_DATABASES: dict[str, str] = {}
_MIGRATED: set[str] = set()


@pytest.fixture(scope="session")
def database_url(backend, request, tmp_path_factory):
    if backend in _DATABASES:
        return _DATABASES[backend]
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    elif backend == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL") or request.getfixturevalue("postgres").create_database("vaksam_test")
    else:
        raise ValueError(f"unknown backend {backend}")
    _DATABASES[backend] = url
    return url


def test_config(database_url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "DEMO_MODE": False,
        "LOG_LEVEL": "WARNING",
        # A WSGI server closes every response, which frees its export slot; the test client
        # leaves a streamed export a test does not read open. Tests of the limit set it to 1.
        "EXPORTS_PER_WORKER": 1000,
    }
    config.update(extra)
    return config


test_config.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def migrated(database_url):
    """Upgrade the test database to the newest migration, once per backend."""
    from flask_migrate import upgrade

    if database_url in _MIGRATED:
        return database_url
    app = create_app(test_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    _MIGRATED.add(database_url)
    return database_url


def _empty_all_tables() -> None:
    tables = [t.name for t in db.metadata.sorted_tables if t.name != "alembic_version"]
    if db.engine.dialect.name == "postgresql":
        empty_postgres_tables(db.session, tables)
    else:
        for name in reversed(tables):
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture
def app_config():
    """Override in a test module to change settings (a dict merged into the config)."""
    return {}


@pytest.fixture
def app(migrated, app_config):
    app = create_app(test_config(migrated, **app_config))
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


_DEMO = DemoSnapshot()


@pytest.fixture
def loaded_demo(app, migrated) -> dict:
    """The demo in the test database and what `load_demo()` returned: loaded by the first test of
    the process that asks (per backend and day), a copy of that database for the others."""
    return _DEMO.restore_or_load(migrated)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def password_hash():
    """One slow hash for the whole run (flaskr's trick)."""
    from auth.operations import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def make_unit(app):
    from models import Unit

    def make(key: str, name: str | None = None, parent=None):
        unit = Unit(key=key, name=name or key.split("/")[-1], parent_id=parent.id if parent else None)
        db.session.add(unit)
        db.session.flush()
        return unit

    return make


@pytest.fixture
def make_person(app, password_hash):
    """Factory: make_person("anna", manager=boss, unit=u, roles=("admin",), password=True)."""
    from auth.operations import grant_role
    from models import Person

    def make(username: str, *, manager=None, unit=None, roles=(), password: bool = True, **fields):
        given = fields.pop("given_name", username.capitalize())
        person = Person(
            username=username,
            given_name=given,
            family_name=fields.pop("family_name", "Testsson"),
            display_name=fields.pop("display_name", f"{given} Testsson"),
            email=fields.pop("email", f"{username}@example.se"),
            manager_id=manager.id if manager else None,
            unit_id=unit.id if unit else None,
            password_hash=password_hash if password else None,
            start_date=fields.pop("start_date", date(2020, 1, 1)),
            **fields,
        )
        db.session.add(person)
        db.session.flush()
        for role in roles:
            grant_role(person, role, granted_by=None)
        return person

    return make


@pytest.fixture
def org(app, make_person, make_unit):
    """A small org: top > boss > (lead > (ann, ben)), other_boss > carl; admin and comms aside."""
    from directory.tree import rebuild_closure

    unit = make_unit("HSF", "Hälso- och sjukvårdsförvaltningen")
    sub = make_unit("HSF/Akut", "Akutkliniken", parent=unit)
    top = make_person("top", unit=unit)
    boss = make_person("boss", manager=top, unit=sub)
    lead = make_person("lead", manager=boss, unit=sub)
    ann = make_person("ann", manager=lead, unit=sub)
    ben = make_person("ben", manager=lead, unit=sub)
    other_boss = make_person("otherboss", manager=top, unit=unit)
    carl = make_person("carl", manager=other_boss, unit=unit)
    admin = make_person("admin", roles=("admin",))
    comms = make_person("comms", roles=("comms",))
    rebuild_closure(db.session)
    db.session.commit()
    return {p.username: p for p in [top, boss, lead, ann, ben, other_boss, carl, admin, comms]}


@pytest.fixture
def user_per_request(app):
    """Every request loads its user from its own session, as in production. (The `app`
    fixture keeps one app context for the whole test, so Flask-Login's user cached in `g`
    would otherwise carry over from one client's request to another client's.)"""
    from flask import g

    def forget_cached_user() -> None:
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_cached_user)


def demo_password(username: str) -> str:
    """A demo log-in's password in this test database (random per database, made by load_demo())."""
    from sqlalchemy import select

    from models import DemoLogin

    return db.session.scalar(select(DemoLogin.password).where(DemoLogin.username == username))


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture(scope="session")
def smtp_server():
    from tests.services import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """The session's SMTP test server, running and emptied, with no failures pending."""
    smtp_server.start()
    smtp_server.clear()
    yield smtp_server
    smtp_server.start()  # a test may have stopped it
    smtp_server.clear()


@pytest.fixture
def mail_config(smtp, tmp_path) -> dict:
    """Settings that send the outbox to the SMTP test server, unthrottled (for `app_config`)."""
    return {"SMTP_HOST": smtp.host, "SMTP_PORT": smtp.port, "SMTP_STARTTLS": False, "SMTP_MAX_PER_MINUTE": 0,
            "SMTP_TIMEOUT": 5, "MAIL_FROM": "Vaksam <vaksam@region.example>",
            "OUTBOX_MAIL_DIR": str(tmp_path / "mail"), "BASE_URL": "https://vaksam.region.example"}


LOCAL_SMTP_HOSTS = ("127.0.0.1", "localhost", "::1")


@pytest.fixture(autouse=True)
def _refuse_real_mail(monkeypatch):
    """Indico-style guard: no test may talk SMTP to anything but a local test server."""
    import smtplib

    connect = smtplib.SMTP.connect

    def guarded(self, host="localhost", port=0, source_address=None):
        if host not in LOCAL_SMTP_HOSTS:
            raise AssertionError(f"a test tried to send real mail through {host!r}")
        return connect(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", guarded)
