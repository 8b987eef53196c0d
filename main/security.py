"""Security headers on every response (`Cache-Control: no-store` on all but static files and
the health check) and checks on every request body (UTF-8, JSON nesting depth)."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from flask import Flask, abort, jsonify, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


#: Responses that never carry personal data and may be cached. Every other response (pages,
#: exports, JSON, PDF/DOCX, .eml previews, calendar feeds, error pages) is `no-store`: one
#: rule here instead of a header in each view, so a new view cannot forget it.
CACHEABLE_ENDPOINTS = frozenset({"static", "main.healthz"})

#: JSON bodies may nest objects and arrays this deep; deeper is refused before parsing
#: (Python's parser would fail with a RecursionError at about a thousand levels).
MAX_JSON_DEPTH = 32
_JSON_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes) -> int:
    """How deeply the JSON text nests, counted without parsing it (brackets in strings do not count)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRINGS.sub(b"", raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


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
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        if request.is_json and json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:
            if request.path.startswith("/api/"):
                response = jsonify({"error": "too_deep",
                                    "message": f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels."})
                response.status_code = 400
                return response
            abort(400, description="too_deep")
        if not _body_is_valid_utf8():
            abort(400, description="invalid_encoding")
        return None

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
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            h["Cache-Control"] = "no-store"
        return response
