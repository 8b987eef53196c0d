"""Error pages (Swedish first, no stack traces) and JSON errors for the API."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Felaktig begäran"), _l("Begäran kunde inte tolkas. Kontrollera uppgifterna och försök igen.")),
    401: (_l("Inloggning krävs"), _l("Du behöver logga in för att se sidan.")),
    403: (_l("Åtkomst nekad"), _l("Du har inte behörighet att se den här sidan.")),
    404: (_l("Sidan hittades inte"), _l("Sidan du söker finns inte. Kontrollera adressen.")),
    405: (_l("Metoden är inte tillåten"), _l("Sidan kan inte användas på det sättet.")),
    413: (_l("För stor begäran"), _l("Det du skickade är för stort.")),
    429: (_l("För många försök"), _l("Du har gjort för många försök. Vänta en stund och försök igen.")),
    500: (_l("Något gick fel"), _l("Ett oväntat fel inträffade. Felet är loggat; försök igen senare.")),
}

DETAILS = {
    "invalid_encoding": _l("Texten var inte kodad som UTF-8."),
    "too_deep": _l("Innehållet är för djupt nästlat."),
    "csrf": _l("Formuläret har gått ut eller saknar säkerhetstoken. Ladda om sidan och försök igen."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def render_error(code: int, detail_key: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    detail = DETAILS.get(detail_key or "")
    if wants_json():
        body = {"error": str(title), "message": str(detail or text), "status": code}
        return jsonify(body), code
    return render_template("errors/error.html", code=code, title=title, text=text, detail=detail), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, "csrf")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response = render_error(exc.code or 500, exc.description if exc.description in DETAILS else None)
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            resp, code = response
            resp = app.make_response((resp, code))
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
            return resp
        return response

    @app.errorhandler(Exception)
    def unhandled(exc: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        from extensions import db

        db.session.rollback()
        return render_error(InternalServerError.code)
