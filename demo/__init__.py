"""The Region Exempel demo: generated people, units and log-ins, and `flask demo …`.

Everything here exists only when DEMO_MODE is on (`create_app` calls `init_app` then)."""
from __future__ import annotations

from flask import Flask, has_request_context, request


def init_app(app: Flask) -> None:
    from demo import logins
    from demo.cli import demo

    app.cli.add_command(demo)

    @app.context_processor
    def demo_logins() -> dict:
        if has_request_context() and request.endpoint == "auth.login":
            return {"demo_logins": logins.current()}
        return {}
