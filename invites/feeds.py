"""Subscribable calendar feeds: a whole campaign, and a person's own activities.

A feed is polled by calendar servers for as long as someone subscribes, so a request must be
cheap. Each request asks the database only for a fingerprint of what the feed would contain
(count, newest change, id and sequence sums; one aggregate query). The ETag is derived from
that fingerprint, so a 304 needs no calendar at all, and the calendar itself is kept in a
small per-process cache under the fingerprint. Everything in a feed's body is derived from
rows whose `updated_at` moves when they change (DTSTAMP is the activity's updated_at, not
the time of the request), so the same fingerprint always means the same bytes.

* campaign feed: every confirmed or cancelled activity of the campaign;
* personal feed: confirmed or cancelled activities for the whole region, for the person's
  unit or a unit above it, or that the person has a seat at; ending at most
  INVITE_FEED_PAST_DAYS ago.
Planned (not yet confirmed) activities are in no feed; cancelled ones stay, as STATUS:CANCELLED.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from extensions import db
from invites import content, ical
from models import Activity, Campaign, Person, Registration, Unit
from models.campaign import activity_unit

#: Bump when the feed's layout changes, so clients' ETags stop matching.
FEED_VERSION = 1
#: Activity statuses that appear in feeds.
SHOWN = ("confirmed", "cancelled")
CACHE_SIZE = 64

_cache: OrderedDict[tuple, bytes] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Feed:
    """A feed's identity; `body()` builds (or fetches) the calendar only when it is needed."""

    name: str
    ids: Select
    fingerprint: tuple
    etag: str
    last_modified: datetime

    def body(self) -> bytes:
        with _lock:
            cached = _cache.get(self.fingerprint)
            if cached is not None:
                _cache.move_to_end(self.fingerprint)
                return cached
        body = _render(self.name, self.ids)
        with _lock:
            _cache[self.fingerprint] = body
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return body


def _render(name: str, ids: Select) -> bytes:
    activities = db.session.scalars(select(Activity).where(Activity.id.in_(ids))
                                    .order_by(Activity.starts_at, Activity.id))
    events = [content.calendar_event(a, method="PUBLISH", stamp=a.updated_at) for a in activities]
    return ical.calendar("PUBLISH", events, name=name,
                         refresh_minutes=current_app.config["INVITE_FEED_REFRESH_MINUTES"])


def _settings() -> tuple:
    cfg = current_app.config
    return (FEED_VERSION, cfg["BASE_URL"], content.organizer_header(), cfg["INVITE_ALARM_MINUTES"],
            cfg["INVITE_FEED_REFRESH_MINUTES"])


def _feed(kind: str, name: str, ids: Select, extra: tuple = (), extra_changed: datetime | None = None) -> Feed:
    row = db.session.execute(
        select(func.count(Activity.id), func.max(Activity.updated_at), func.sum(Activity.id),
               func.sum(Activity.sequence)).where(Activity.id.in_(ids))).one()
    count, newest, id_sum, seq_sum = row
    newest = _aware(newest)
    fingerprint = (kind, name, count, newest.isoformat() if newest else None, int(id_sum or 0),
                   int(seq_sum or 0), extra, _settings())
    etag = hashlib.sha256(repr(fingerprint).encode("utf-8")).hexdigest()[:40]
    stamps = [t for t in (newest, _aware(extra_changed)) if t is not None]
    last_modified = max(stamps) if stamps else datetime(2000, 1, 1, tzinfo=timezone.utc)
    return Feed(name, ids, fingerprint, etag, last_modified.replace(microsecond=0))


def _aware(value: datetime | None) -> datetime | None:
    """Aggregates bypass the column type on SQLite; make them UTC-aware datetimes again."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def campaign_feed(campaign: Campaign) -> Feed:
    ids = select(Activity.id).where(Activity.campaign_id == campaign.id, Activity.status.in_(SHOWN))
    return _feed("campaign", campaign.title, ids, extra=(campaign.id,))


def unit_and_above(unit_id: int | None) -> list[int]:
    """The unit and every unit above it, from the materialised path (walking parents if it is stale)."""
    if unit_id is None:
        return []
    unit = db.session.get(Unit, unit_id)
    path = [int(p) for p in (unit.path or "").strip("/").split("/") if p.isdigit()] if unit else []
    if path and path[-1] == unit_id:
        return path
    found: list[int] = []
    while unit is not None and unit.id not in found:
        found.append(unit.id)
        unit = unit.parent
    return found


def personal_ids(person: Person, now: datetime) -> Select:
    units = unit_and_above(person.unit_id) or [-1]
    for_units = select(activity_unit.c.activity_id).where(activity_unit.c.unit_id.in_(units))
    seats = select(Registration.activity_id).where(Registration.person_id == person.id,
                                                   Registration.status == "registered")
    since = now - timedelta(days=current_app.config["INVITE_FEED_PAST_DAYS"])
    return select(Activity.id).where(
        Activity.status.in_(SHOWN), Activity.ends_at >= since,
        or_(Activity.whole_region.is_(True), Activity.id.in_(for_units), Activity.id.in_(seats)))


def personal_feed(person: Person, now: datetime) -> Feed:
    """The person's feed. The day is part of the fingerprint (the window moves daily), and so
    are the person's registrations (an unregistration changes the feed)."""
    regs = db.session.execute(select(func.count(Registration.id), func.max(Registration.updated_at))
                              .where(Registration.person_id == person.id)).one()
    with force_locale("sv"):
        name = _("Mina aktiviteter (Vaksam)")
    extra = (person.id, person.unit_id, now.date().isoformat(), regs[0],
             str(_aware(regs[1])) if regs[1] else None)
    return _feed("personal", name, personal_ids(person, now), extra=extra, extra_changed=regs[1])


def clear_cache() -> None:
    with _lock:
        _cache.clear()
