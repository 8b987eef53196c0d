"""Vaksam: the application factory. `flask --app app …` is the CLI entry point."""
from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from extensions import babel, csrf, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment."""
    app = Flask(__name__, instance_relative_config=False)
    settings = {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "vaksam_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    }
    settings.update(config_module.from_env())
    if config:
        settings.update(config)
    settings.setdefault("REMEMBER_COOKIE_SECURE", settings["SESSION_COOKIE_SECURE"])
    if settings["DEMO_MODE"] and not settings["LDAP_URL"]:
        from demo.directory import DEMO_SETTINGS

        settings.update(DEMO_SETTINGS)  # the embedded Region Exempel directory
    app.config.update(settings)
    app.config["BABEL_DEFAULT_LOCALE"] = "sv"
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(config_module.BASE_DIR / "translations")

    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler says "Running job …" and "… executed successfully" at INFO for every firing
    # (every 15 s while idle); our runner logs one line per run that did something instead.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    import models  # noqa: F401  (registers every table on the metadata)
    from main import files

    files.secure_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("INSTANCE_DIR"))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from main import i18n

    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)

    from audit import views as audit_views
    from directory import init_app as init_directory
    from auth import init_app as init_auth
    from jobs import init_app as init_jobs
    from main import init_app as init_main
    from outbox import init_app as init_outbox
    from campaign import init_app as init_campaign
    from training import init_app as init_training
    from lms import init_app as init_lms
    from reminders import init_app as init_reminders
    from followup import init_app as init_followup
    from invites import init_app as init_invites
    from privacy import init_app as init_privacy

    init_main(app)
    init_auth(app)
    init_directory(app)
    audit_views.init_app(app)
    init_jobs(app)
    init_outbox(app)
    init_training(app)
    init_lms(app)
    init_reminders(app)
    init_campaign(app)
    init_followup(app)  # after campaign: its årshjul ring comes after campaign's
    init_invites(app)
    init_privacy(app)

    from demo.cli import demo
    from demo.region import DEMO_LOGINS

    app.cli.add_command(demo)
    if app.config["DEMO_MODE"]:
        app.config.setdefault("DEMO_LOGINS", DEMO_LOGINS)
    return app
