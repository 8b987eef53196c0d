"""Overdue APT materials in the managers' digests (reminders/rounds.py builds the digests).

A manager whose unit has not confirmed an APT material by its deadline gets it listed in one
section, "APT att bekräfta" (the material, its deadline and the one-click link), of the next
reminder digest they get, and of every later one until the unit confirms (the manager or the
stand-in): never a mail per material. A manager with no reminder digest in a run gets an
APT-only digest instead, when something in it has not been listed for the unit in the last
APT_DIGEST_DAYS days (apt_digest_entry records what was listed for whom). A material
is listed for at most LISTED_FOR after its deadline.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select

from apt import queries
from apt.materials import Material, all_materials, link, owner_columns
from extensions import db
from main.i18n import local_tz
from models import Person, Unit
from models.apt import AptDigestEntry
from outbox import operations as outbox

#: How long after its deadline an unconfirmed material is still listed.
LISTED_FOR = timedelta(days=90)


@dataclass(frozen=True)
class Item:
    material: Material
    unit: Unit


@dataclass
class Due:
    """What one manager has to confirm, overdue."""

    manager: Person
    items: list[Item] = field(default_factory=list)


def due_by_manager(now: datetime) -> dict[int, Due]:
    """Per manager id: the overdue materials their unit has not confirmed."""
    recent = [m for m in all_materials() if now - LISTED_FOR <= m.deadline <= now]
    out: dict[int, Due] = {}
    for material, missing in queries.overdue(now, recent):
        by_unit = {u.id: u for u in missing}
        for manager in queries.managers_of(by_unit):
            unit = by_unit.get(manager.unit_id or 0)
            if unit is not None:
                out.setdefault(manager.id, Due(manager)).items.append(Item(material, unit))
    return out


def _day(material: Material, locale: str) -> str:
    day = material.deadline.astimezone(local_tz()).date()
    return format_date(day, "long", locale="en_GB" if locale == "en" else "sv")


def deadline_text(material: Material, locale: str) -> str:
    """"senast 15 november 2024" / "by 15 November 2024" (call inside force_locale(locale))."""
    return _("senast %(day)s", day=_day(material, locale))


def section(items: list[Item], locale: str) -> tuple[str, str]:
    """The digest's "APT att bekräfta" section in the recipient's language: (text, html)."""
    with force_locale(locale):
        heading = _("APT att bekräfta")
        intro = _("Din enhet har ännu inte kvitterat att de här APT-materialen tagits upp på en "
                  "arbetsplatsträff. Kvittera med ett klick:")
        lines = [(item.material.title, item.unit.name, deadline_text(item.material, locale),
                  link(item.material)) for item in items]
        button = _("Kvittera")
    text = "\n".join([f"\n{heading}\n", intro, ""] + [f"- {t} ({u}), {d}: {url}" for t, u, d, url in lines]) + "\n"
    html = (f"<h2>{escape(heading)}</h2><p>{escape(intro)}</p><ul>"
            + "".join(f'<li>{escape(t)} ({escape(u)}), {escape(d)}: <a href="{escape(url)}">{escape(button)}</a></li>'
                      for t, u, d, url in lines) + "</ul>")
    return text, html


def with_section(text: str, html: str, items: list[Item], locale: str) -> tuple[str, str]:
    """A reminder digest's text and HTML with the APT section after them (unchanged without items)."""
    if not items:
        return text, html
    extra_text, extra_html = section(items, locale)
    return text.rstrip("\n") + "\n" + extra_text, html + extra_html


def record(manager_id: int, items: Iterable[Item], now: datetime) -> None:
    """Note that these were listed in the manager's digest (the caller commits)."""
    seen = set()
    for item in items:
        if (item.material.key, item.unit.id) not in seen:
            seen.add((item.material.key, item.unit.id))
            db.session.add(AptDigestEntry(**owner_columns(item.material), unit_id=item.unit.id, person_id=manager_id,
                                          listed_at=now))


def _listed_lately(manager_id: int, item: Item, since: datetime) -> bool:
    return db.session.scalar(select(AptDigestEntry.id).where(
        item.material.column_in(AptDigestEntry) == item.material.id, AptDigestEntry.person_id == manager_id,
        AptDigestEntry.unit_id == item.unit.id, AptDigestEntry.listed_at > since).limit(1)) is not None


def send_own(due: dict[int, Due], now: datetime, send_after: datetime, *, dry_run: bool = False) -> int:
    """APT-only digests for the managers left in `due` (no reminder digest this run) with something
    not listed lately; commits each. Returns how many were queued."""
    since = now - timedelta(days=current_app.config["APT_DIGEST_DAYS"])
    queued = 0
    for manager_id, entry in sorted(due.items()):
        if all(_listed_lately(manager_id, item, since) for item in entry.items):
            continue
        if dry_run:
            queued += 1
            continue
        locale = "en" if (entry.manager.locale or "").lower().startswith("en") else "sv"
        text, html = section(entry.items, locale)
        with force_locale(locale):
            subject = _("APT att bekräfta: %(count)s material", count=len(entry.items))
            hello = _("Hej %(name)s!", name=entry.manager.given_name or entry.manager.name)
        fingerprint = hashlib.sha256(",".join(sorted(f"{i.material.key}/{i.unit.id}" for i in entry.items))
                                     .encode()).hexdigest()[:16]
        key = f"apt-digest:{manager_id}:{now.astimezone(local_tz()).date().isoformat()}:{fingerprint}"
        result = outbox.enqueue(key, to=entry.manager, subject=subject, text=f"{hello}\n{text}",
                                html=f"<p>{escape(hello)}</p>{html}", send_after=send_after,
                                related=("apt_digest", manager_id), now=now)
        if result.outcome == outbox.QUEUED:
            queued += 1
            record(manager_id, entry.items, now)
        db.session.commit()
    return queued
