"""Vaksam: the application factory. `flask --app app …` is the CLI entry point."""
from __future__ import annotations

import logging
import os
import re
from typing import Any

from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from extensions import babel, csrf, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment."""
    app = Flask(__name__, instance_relative_config=False)
    settings: dict[str, Any] = {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "vaksam_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }
    settings.update(config_module.from_env())
    if config:
        settings.update(config)
    settings.setdefault("REMEMBER_COOKIE_SECURE", settings["SESSION_COOKIE_SECURE"])
    if settings["SESSION_COOKIE_SECURE"] and not settings["SESSION_COOKIE_NAME"].startswith("__Host-"):
        # Only sent over https, for this exact host and path /: no subdomain can plant or read it.
        settings["SESSION_COOKIE_NAME"] = "__Host-" + settings["SESSION_COOKIE_NAME"]
    # The cookie and the stored session both lapse after this long without a request.
    settings["PERMANENT_SESSION_LIFETIME"] = int(settings["SESSION_IDLE_MINUTES"]) * 60
    if settings["DEMO_MODE"] and not settings["LDAP_URL"]:
        from demo.directory import DEMO_SETTINGS

        settings.update(DEMO_SETTINGS)  # the embedded Region Exempel directory
    if settings["DEMO_MODE"] and not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = config_module.instance_secret_key(config_module.instance_dir())
    warnings = config_module.check(settings)
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = utc_sessions(settings["SQLALCHEMY_DATABASE_URI"],
                                                         settings["SQLALCHEMY_ENGINE_OPTIONS"])
    app.config.update(settings)
    if settings.get("OUTBOX_MAX_ATTEMPTS"):
        logging.getLogger(__name__).warning("OUTBOX_MAX_ATTEMPTS is no longer used: messages give up after "
                                            "OUTBOX_GIVE_UP_HOURS (%s h)", settings.get("OUTBOX_GIVE_UP_HOURS"))
    app.config["BABEL_DEFAULT_LOCALE"] = "sv"
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(config_module.BASE_DIR / "translations")

    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler says "Running job …" and "… executed successfully" at INFO for every firing
    # (every 15 s while idle); our runner logs one line per run that did something instead.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for warning in warnings:
        app.logger.warning(warning)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    import models  # noqa: F401  (registers every table on the metadata)
    from main import files

    files.secure_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("INSTANCE_DIR"))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from main import i18n

    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)

    from apt import init_app as init_apt
    from audit import views as audit_views
    from auth import init_app as init_auth
    from campaign import init_app as init_campaign
    from directory import init_app as init_directory
    from followup import init_app as init_followup
    from invites import init_app as init_invites
    from jobs import init_app as init_jobs
    from lms import init_app as init_lms
    from main import init_app as init_main
    from outbox import init_app as init_outbox
    from privacy import init_app as init_privacy
    from pulse import init_app as init_pulse
    from reminders import init_app as init_reminders
    from training import init_app as init_training

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
    init_pulse(app)
    init_apt(app)

    if app.config["DEMO_MODE"]:
        from demo import init_app as init_demo

        init_demo(app)
    return app


def utc_sessions(database_url: str, engine_options: dict) -> dict:
    """The engine options, with PostgreSQL sessions in UTC unless a time zone is set already.

    Every timestamp column is UTC-aware (`models.base.UTCDateTime`) and no statement relies on
    the session's zone, but the driver returns `timestamptz` values in it: in a session set to
    'Europe/Stockholm' or even 'Etc/UTC' (initdb's default on a UTC host) each value read is
    converted again on the way in, about 0.1 s per 220,000 values, the number a recompute of
    55,000 people reads. In UTC they arrive as they are stored (`datetime.timezone.utc`). Set as
    a connection option (libpq's `-c timezone=UTC`): no extra statement per connection. A zone
    named in the URL's or connect_args' options, in PGOPTIONS or by PGTZ is left as it is."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return engine_options  # config.check has said what is wrong with it
    if url.get_backend_name() != "postgresql" or os.environ.get("PGTZ"):
        return engine_options  # PGTZ: libpq's own way to name the zone; theirs to choose
    connect_args = dict(engine_options.get("connect_args") or {})
    from_url = url.query.get("options") or ""
    # Options given anywhere are kept: an `options` argument replaces libpq's PGOPTIONS.
    given = str(connect_args.get("options") or " ".join(
        from_url if isinstance(from_url, tuple) else [from_url]) or os.environ.get("PGOPTIONS", ""))
    if re.search(r"(?:\b|-c)timezone\s*=", given, re.IGNORECASE):  # not log_timezone
        return engine_options
    connect_args["options"] = f"{given} -c timezone=UTC".strip()
    return {**engine_options, "connect_args": connect_args}
