"""The incremental directory sync (`directory sync --changes`): only entries changed
since the last run, applied through the same planning and writing as the full sync.

The high-water mark is the directory's own value, never this machine's clock: the
highest `modifyTimestamp` (OpenLDAP) or `uSNChanged` (Active Directory) among the
entries read, kept with the run (`directory_sync_run.counts["high_water"]`). The next
run asks for entries at or after it (OpenLDAP's timestamps have one-second steps, so
the mark's own second is read again; unchanged entries write nothing). The first run,
with no mark yet, reads everyone once to take one.

What it cannot see stays with the nightly full sync: deleted entries, people gone
missing, disabled accounts (skipped here), and so no deactivations (the grace days and
LDAP_MAX_DEACTIVATE_RATIO guard belong to the full sync unchanged).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from flask import current_app
from sqlalchemy import select

import signals
from directory import client
from directory.addresses import plan_addresses
from directory.apply import apply_plan
from directory.mapping import MappingError, PersonRecord, RecordReader, wanted_attributes
from directory.reading import collect
from directory.runs import Run, SyncResult, run_recorded
from directory.sync import Plan, SyncSettings, _existing_people, _field_changes, finish_counts, stored_links
from directory.tree import find_cycles
from extensions import db
from models import DirectorySyncRun, Person, PersonAncestor, Unit

TRIGGER = "changes"
#: The directory attribute that orders changes, per LDAP_SCHEMA profile.
MARK_ATTRIBUTE = {"openldap": "modifyTimestamp", "ad": "uSNChanged"}


def _later(schema: str, a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    if schema == "ad":
        return a if int(a) >= int(b) else b
    return a if a >= b else b  # GeneralizedTime in the server's one format sorts as text


def last_mark() -> str | None:
    """The high-water mark of the newest successful incremental run."""
    runs = db.session.scalars(select(DirectorySyncRun.counts).where(
        DirectorySyncRun.trigger == TRIGGER, DirectorySyncRun.outcome == "ok", DirectorySyncRun.dry_run.is_(False))
        .order_by(DirectorySyncRun.id.desc()).limit(1))
    counts = runs.first()
    return (counts or {}).get("high_water")


def change_filter(settings: SyncSettings, mark: str | None) -> str:
    if mark is None:
        return settings.user_filter
    if settings.schema == "ad":
        return f"(&{settings.user_filter}(uSNChanged>={int(mark) + 1}))"
    return f"(&{settings.user_filter}(modifyTimestamp>={mark}))"


def read_changes(settings: SyncSettings, mark: str | None) -> tuple[dict[str, PersonRecord], list[dict], str | None]:
    """Changed people (disabled ones left out), unusable entries, and the new mark."""
    mark_name = MARK_ATTRIBUTE[settings.schema]
    reader = RecordReader(settings.mapping, settings.schema)
    flt = change_filter(settings, mark)
    attributes = sorted({*wanted_attributes(settings.mapping), mark_name})
    disabled: set[str] = set()
    if settings.disabled_filter and settings.server.url != client.DEMO_URL:
        with ThreadPoolExecutor(max_workers=1) as pool:  # both searches at once, as the full sync's read
            flagged = pool.submit(client.paged_search, settings.server, settings.base_dn,
                                  f"(&{flt}{settings.disabled_filter})", [])
            found = client.paged_search(settings.server, settings.base_dn, flt, attributes)
            disabled = {dn.lower() for dn, _ in flagged.result().entries}
    else:
        found = client.paged_search(settings.server, settings.base_dn, flt, attributes)
        if settings.disabled_filter:
            flagged_now = client.paged_search(settings.server, settings.base_dn,
                                              f"(&{flt}{settings.disabled_filter})", [])
            disabled = {dn.lower() for dn, _ in flagged_now.entries}
    converted: list = []
    new_mark = mark
    for dn, attrs in found.entries:
        seen = next((v for k, v in attrs.items() if k.lower() == mark_name.lower()), None)
        if seen:
            new_mark = _later(settings.schema, new_mark, str(seen[0]))
        if dn.lower() in disabled:
            continue  # disabled accounts are the full sync's (deactivation and its guard)
        try:
            converted.append(reader.record(dn, attrs))
        except MappingError as exc:
            converted.append({"dn": dn, "reason": str(exc)})
    records, invalid = collect(converted, set())
    # A disabled flag read from the entry itself (AD's userAccountControl) is the full sync's too.
    return {ext: rec for ext, rec in records.items() if not rec.disabled}, invalid, new_mark


def _chunked(values, size: int = 2000):
    items = sorted(values)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _stored_for(records: dict[str, PersonRecord]) -> tuple[dict, dict[str, str]]:
    """The stored rows the changed people need (theirs and their old managers'), and the
    active people their manager references name (normalised DN -> external id). Only
    these, not all 55,000: an incremental run reads what its entries touch."""
    existing: dict = {}
    for chunk in _chunked(records):
        existing.update(_existing_people(Person.external_id.in_(chunk)))
    old_bosses = {row.manager_id for row in existing.values() if row.manager_id is not None}
    for chunk in _chunked(old_bosses):
        existing.update(_existing_people(Person.id.in_(chunk)))
    wanted = {r.manager_dn_norm for r in records.values() if r.manager_dn_norm}
    by_dn: dict[str, str] = {}
    for chunk in _chunked(wanted):
        by_dn.update((dn, ext) for dn, ext in db.session.execute(  # the newest holder of a reused DN wins
            select(Person.dn_norm, Person.external_id).where(Person.dn_norm.in_(chunk), Person.active.is_(True),
                                                             Person.external_id.is_not(None)).order_by(Person.id)))
    return existing, by_dn


def _stored_parents(bosses: set[str], existing: dict) -> dict[str, str | None]:
    """Manager links above `bosses` as stored (each boss's chain in the closure table), by
    external id: enough to see whether a changed link closes a loop."""
    for chunk in _chunked(bosses - set(existing)):
        existing.update(_existing_people(Person.external_id.in_(chunk)))
    boss_ids = {existing[b].id: b for b in bosses if b in existing and existing[b].active}
    chains: dict[int, list[int]] = {}
    for chunk in _chunked(boss_ids):
        for desc, anc in db.session.execute(select(PersonAncestor.descendant_id, PersonAncestor.ancestor_id)
                                            .where(PersonAncestor.descendant_id.in_(chunk))
                                            .order_by(PersonAncestor.descendant_id, PersonAncestor.depth)):
            chains.setdefault(desc, []).append(anc)
    names = dict(boss_ids)
    for chunk in _chunked({a for chain in chains.values() for a in chain} - set(names)):
        names.update((pid, ext) for pid, ext in db.session.execute(
            select(Person.id, Person.external_id).where(Person.id.in_(chunk))))
    parents: dict[str, str | None] = {}
    for pid in boss_ids:
        path = [names[p] for p in (pid, *chains.get(pid, []))]
        path = path[: path.index(None)] if None in path else path  # a local account ends the chain
        for low, high in zip(path, [*path[1:], None], strict=True):
            parents.setdefault(low, high)
    return parents


def plan_changes(records: dict[str, PersonRecord], settings: SyncSettings) -> Plan:
    """The full sync's rules for the people read: new starters, field changes and moves
    (unit and manager); managers outside the changed set are found among stored people."""
    result = SyncResult(seen=len(records))
    existing, by_dn = _stored_for(records)
    by_dn.update({r.dn_norm: ext for ext, r in records.items()})
    managers: dict[str, str | None] = {}
    unknown: set[str] = set()
    for ext, rec in records.items():
        boss = by_dn.get(rec.manager_dn_norm) if rec.manager_dn_norm else None
        if rec.manager_dn_norm and (boss is None or boss == ext):
            result.problems["dangling_manager" if boss is None else "cycles"].append(
                {"username": rec.username, "manager": rec.manager_dn_norm})
            unknown.add(ext)
            boss = None
        managers[ext] = boss
    parents = {**_stored_parents({b for b in managers.values() if b and b not in records}, existing), **managers}
    for ext in set(find_cycles({e: (m if m in parents else None) for e, m in parents.items()})) & set(records):
        result.problems["cycles"].append([records[ext].username])
        unknown.add(ext)
        managers[ext] = None
    known = dict(db.session.execute(select(Unit.key, Unit.active)).tuples().all())
    unit_keys = {k for k, active in known.items() if active}
    record_keys = {"/".join(r.unit_path[: i + 1]) for r in records.values() for i in range(len(r.unit_path))}
    unit_keys |= record_keys
    new_units = sorted((tuple(k.split("/")) for k in record_keys - set(known)), key=len)
    creates, updates, reactivate = [], {}, []
    for ext, rec in records.items():
        person = existing.get(ext)
        if person is None:
            creates.append(rec)
            continue
        changes = _field_changes(person, rec)
        if changes:
            updates[person.id] = changes
        if not person.active or person.missing_since is not None:
            reactivate.append(person.id)
    result.created, result.reactivated, result.units = len(creates), len(reactivate), len(record_keys)
    return Plan(records, new_units, creates, updates, managers, unknown, [], [], reactivate, unit_keys, result,
                existing, plan_addresses(records, existing), partial=True)


def _changed_ids(plan: Plan, moved: set[str]) -> set[int]:
    exts = {r.external_id for r in plan.creates} | moved
    exts |= {ext for ext, row in plan.existing.items() if row.id in plan.updates or row.id in plan.reactivate}
    if not exts:
        return set()
    return set(db.session.scalars(select(Person.id).where(Person.external_id.in_(sorted(exts)))))


def run_changes(now: datetime) -> SyncResult:
    """Apply what changed since the last incremental run, under the sync lease (`directory.runs`);
    never raises for directory trouble."""

    def body(run: Run) -> None:
        settings = SyncSettings.from_config(current_app.config)
        records, invalid, mark = read_changes(settings, last_mark())
        plan = plan_changes(records, settings)
        plan.result.problems["invalid"] = invalid
        before_managers, before_units = stored_links(plan)
        finish_counts(plan, before_managers, before_units)
        moved = {ext for ext, boss in plan.managers.items() if ext in before_managers and before_managers[ext] != boss}
        moved |= {ext for ext, rec in records.items()
                  if ext in before_units and before_units[ext] != ("/".join(rec.unit_path) or None)}
        run.result = plan.result
        changed: set[int] = set()
        if plan.creates or plan.updates or plan.reactivate or moved or plan.addresses:
            run.lease.renew()
            apply_plan(plan, now, settings)
            db.session.commit()
            changed = _changed_ids(plan, moved)
        run.result.high_water = mark
        run.after = lambda run_id: signals.directory_synced.send(
            signals.sender(), run_id=run_id, changed_person_ids=changed, deactivated_person_ids=set())

    return run_recorded(now, body, trigger=TRIGGER)
