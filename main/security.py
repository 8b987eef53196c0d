"""Security headers on every response and checks on every request body."""
from __future__ import annotations

import json
from urllib.parse import parse_qsl

from flask import Flask, abort, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _body_is_valid_utf8() -> bool:
    """Reject bodies whose text is not UTF-8 instead of silently replacing characters."""
    mimetype = request.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        raw = request.get_data(cache=True)
        try:
            parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError):
            return False
        return True
    if mimetype == "application/json":
        raw = request.get_data(cache=True)
        try:
            json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, ValueError):
            return False
        return True
    if mimetype == "multipart/form-data":
        return not any("\ufffd" in v for v in request.form.values())
    return True


def init_app(app: Flask) -> None:
    @app.before_request
    def check_body():
        if request.method in ("POST", "PUT", "PATCH") and not _body_is_valid_utf8():
            abort(400, description="invalid_encoding")

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            h.setdefault("Cache-Control", "no-store")
        return response
