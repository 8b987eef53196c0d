"""The admins' outbox page: counts, messages per status, retry and cancel, demo .eml files."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import audit
from auth.access import requires
from extensions import db
from main.forms import ActionForm, require_action
from main.i18n import fmt_number
from models import OutboxMessage
from models.outbox import STATUSES
from outbox import operations, queries

bp = Blueprint("outbox", __name__)

#: Headings of the lists per status.
STATUS_LABELS = {
    "queued": _l("I kö"),
    "sending": _l("Skickas"),
    "sent": _l("Skickade"),
    "failed": _l("Misslyckade"),
    "cancelled": _l("Avbrutna"),
}

#: Why a recipient was skipped (OutboxSkip.reason).
SKIP_LABELS = {
    "no_address": _l("Saknar e-postadress"),
    "invalid_address": _l("Ogiltig e-postadress"),
    "invalid_header": _l("Radbrytning eller styrtecken i namn eller ämne"),
}

#: The status of one message ("Status: Skickat").
STATUS_OF_ONE = {
    "queued": _l("I kö"),
    "sending": _l("Skickas"),
    "sent": _l("Skickat"),
    "failed": _l("Misslyckat"),
    "cancelled": _l("Avbrutet"),
}


@bp.get("/admin/outbox")
@requires("admin")
def overview():
    status = request.args.get("status", "failed")
    if status not in STATUSES:
        status = "failed"
    page = queries.messages_page(status, max(request.args.get("page", 1, type=int), 1))
    # The list shows recipients' addresses: a view of other people's personal data.
    audit.record("outbox.list", "outbox_message", None, {"status": status, "page": page.page})
    skips, skip_total = queries.recent_skips()
    return render_template("outbox/overview.html", counts=queries.status_counts(), status=status,
                           page=page, labels=STATUS_LABELS, form=ActionForm(), skips=skips, skip_total=skip_total,
                           skip_labels=SKIP_LABELS, outage=queries.current_outage())


@bp.get("/admin/outbox/<int:message_id>")
@requires("admin")
def message(message_id: int):
    msg = db.get_or_404(OutboxMessage, message_id)
    audit.record("outbox.view", "outbox_message", msg.id, {"recipient_id": msg.recipient_id})
    return render_template("outbox/message.html", msg=msg, labels=STATUS_OF_ONE, form=ActionForm(),
                           parts=queries.extra_parts(msg), has_eml=queries.eml_path(msg) is not None)


@bp.get("/admin/outbox/<int:message_id>/eml")
@requires("admin")
def eml(message_id: int):
    """Demo mode: the written .eml, shown as text or (download=1) saved as a file."""
    msg = db.get_or_404(OutboxMessage, message_id)
    path = queries.eml_path(msg) or abort(404)
    download = request.args.get("download") == "1"
    audit.record("outbox.eml", "outbox_message", msg.id, {"recipient_id": msg.recipient_id, "download": download})
    if download:
        return send_file(path, mimetype="message/rfc822", as_attachment=True, download_name=path.name)
    return send_file(path, mimetype="text/plain", as_attachment=False)


@bp.post("/admin/outbox/<int:message_id>/retry")
@requires("admin")
def retry(message_id: int):
    require_action()
    msg = db.get_or_404(OutboxMessage, message_id)
    if operations.retry(msg.id):
        audit.record("outbox.retry", "outbox_message", msg.id, commit=False)
        flash(_("Meddelandet ligger i kön igen och skickas inom kort."), "success")
    else:
        flash(_("Meddelandet kan inte skickas igen (det är redan skickat eller avbrutet)."), "error")
    db.session.commit()
    return redirect(url_for("outbox.message", message_id=msg.id))


@bp.post("/admin/outbox/<int:message_id>/cancel")
@requires("admin")
def cancel(message_id: int):
    require_action()
    msg = db.get_or_404(OutboxMessage, message_id)
    if operations.cancel(msg.id):
        audit.record("outbox.cancel", "outbox_message", msg.id, commit=False)
        flash(_("Meddelandet är avbrutet och kommer inte att skickas."), "success")
    else:
        flash(_("Meddelandet kan inte avbrytas (det är redan skickat, skickas just nu eller är avbrutet)."),
              "error")
    db.session.commit()
    return redirect(url_for("outbox.message", message_id=msg.id))


@bp.post("/admin/outbox/retry-failed")
@requires("admin")
def retry_failed():
    require_action()
    count = operations.retry_all_failed()
    audit.record("outbox.retry_failed", "outbox_message", None, {"count": count}, commit=False)
    db.session.commit()
    flash(_("%(n)s misslyckade meddelanden ligger i kön igen.", n=fmt_number(count)), "success")
    return redirect(url_for("outbox.overview", status="queued"))
