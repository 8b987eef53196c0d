"""Log-in and log-out, roles, the role guard and the visibility rule (`auth.access`)."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from extensions import db, login_manager


def init_app(app: Flask) -> None:
    from auth import cli, oidc, oidc_cli, oidc_views, sessions, views
    from models import Person

    sessions.init_app(app)

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        if not user_id.isdigit():
            return None
        # One statement for the person and their roles (`grants` would be a second, selectin).
        person = db.session.get(Person, int(user_id), options=[joinedload(Person.grants)])
        return person if person is not None and person.active else None

    oidc.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(oidc_views.bp)
    app.cli.add_command(cli.users)
    app.cli.add_command(oidc_cli.sso)
