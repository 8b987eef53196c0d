"""Pages every user shares: start page, accessibility statement, health check,
language choice; plus the app-wide security headers, input checks and error pages."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from main import errors, i18n, navigation, security, views

    app.register_blueprint(views.bp)
    security.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    navigation.init_app(app)
