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
from sqlalchemy import Select, and_, bindparam, func, literal_column, or_, select

from extensions import db
from invites import content
from invites.tokens import Owner
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
    events = [ev for a in activities for ev in content.calendar_events(a, method="PUBLISH", stamp=a.updated_at)]
    return content.calendar("PUBLISH", events, name=name,
                            refresh_minutes=current_app.config["INVITE_FEED_REFRESH_MINUTES"])


def _settings() -> tuple:
    cfg = current_app.config
    return (FEED_VERSION, cfg["BASE_URL"], content.organizer_header(), cfg["INVITE_ALARM_MINUTES"],
            cfg["INVITE_FEED_REFRESH_MINUTES"], cfg["TIMEZONE"])


#: The statuses as literals, not bound parameters: the statements below are built once and
#: reused, and an IN over parameters would be re-expanded on every request.
_SHOWN_SQL = Activity.status.in_([literal_column(f"'{s}'") for s in SHOWN])
_AGGREGATES = (func.count(Activity.id), func.max(Activity.updated_at), func.sum(Activity.id),
               func.sum(Activity.sequence))

#: The campaign feed's fingerprint in one statement: the campaign's title and its shown activities.
_CAMPAIGN = (select(Campaign.title, *_AGGREGATES).select_from(Campaign)
             .outerjoin(Activity, and_(Activity.campaign_id == Campaign.id, _SHOWN_SQL))
             .where(Campaign.id == bindparam("campaign_id")).group_by(Campaign.id, Campaign.title))


def _left_at(where=None) -> datetime | None:
    """The latest change of any activity that may have been in the feed, shown or not: an activity
    that leaves a feed (moved back to planned, another audience) was changed when it left, so
    Last-Modified never goes backwards."""
    stmt = select(func.max(Activity.updated_at))
    return _aware(db.session.scalar(stmt if where is None else stmt.where(where)))


def _feed(kind: str, name: str, ids: Select, aggregates: tuple, extra: tuple = (),
          extra_changed: datetime | None = None, left_at: datetime | None = None) -> Feed:
    count, newest, id_sum, seq_sum = aggregates
    newest = _aware(newest)
    fingerprint = (kind, name, count, newest.isoformat() if newest else None, int(id_sum or 0),
                   int(seq_sum or 0), extra, _settings())
    etag = hashlib.sha256(repr(fingerprint).encode("utf-8")).hexdigest()[:40]
    stamps = [t for t in (newest, _aware(extra_changed), left_at) if t is not None]
    last_modified = max(stamps) if stamps else datetime(2000, 1, 1, tzinfo=timezone.utc)
    return Feed(name, ids, fingerprint, etag, last_modified.replace(microsecond=0))


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates bypass the column type on SQLite; make them UTC-aware datetimes again."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def campaign_feed(campaign_id: int) -> Feed | None:
    """The campaign's feed, or None if there is no such campaign."""
    row = db.session.execute(_CAMPAIGN, {"campaign_id": campaign_id}).first()
    if row is None:
        return None
    ids = select(Activity.id).where(Activity.campaign_id == campaign_id, _SHOWN_SQL)
    return _feed("campaign", row[0], ids, tuple(row[1:]), extra=(campaign_id,),
                 left_at=_left_at(Activity.campaign_id == campaign_id))


def unit_and_above(unit_id: int | None, path: str | None = None) -> list[int]:
    """The unit and every unit above it, from the materialised path (walking parents if it is stale)."""
    if unit_id is None:
        return []
    if path is None:
        path = db.session.scalar(select(Unit.path).where(Unit.id == unit_id)) or ""
    ids = [int(p) for p in path.strip("/").split("/") if p.isdigit()]
    if ids and ids[-1] == unit_id:
        return ids
    found: list[int] = []
    unit = db.session.get(Unit, unit_id)
    while unit is not None and unit.id not in found:
        found.append(unit.id)
        unit = unit.parent
    return found


def personal_ids(person: Person | Owner, now: datetime) -> Select:
    units = unit_and_above(person.unit_id, getattr(person, "unit_path", None)) or [-1]
    for_units = select(activity_unit.c.activity_id).where(activity_unit.c.unit_id.in_(units))
    seats = select(Registration.activity_id).where(Registration.person_id == person.id,
                                                   Registration.status == "registered")
    since = now - timedelta(days=current_app.config["INVITE_FEED_PAST_DAYS"])
    return select(Activity.id).where(
        _SHOWN_SQL, Activity.ends_at >= since,
        or_(Activity.whole_region.is_(True), Activity.id.in_(for_units), Activity.id.in_(seats)))


def personal_feed(person: Person | Owner, now: datetime) -> Feed:
    """The person's feed. The day is part of the fingerprint (the window moves daily), and so
    are the person's registrations (an unregistration changes the feed)."""
    ids = personal_ids(person, now)
    mine = Registration.person_id == person.id
    row = db.session.execute(select(
        *_AGGREGATES, select(func.count(Registration.id)).where(mine).scalar_subquery(),
        select(func.max(Registration.updated_at)).where(mine).scalar_subquery()).where(Activity.id.in_(ids))).one()
    with force_locale("sv"):
        name = _("Mina aktiviteter (Vaksam)")
    changed = _aware(row[5])
    extra = (person.id, person.unit_id, now.date().isoformat(), row[4], changed.isoformat() if changed else None)
    return _feed("personal", name, ids, tuple(row[:4]), extra=extra, extra_changed=changed, left_at=_left_at())


def clear_cache() -> None:
    with _lock:
        _cache.clear()
