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

import time
from datetime import datetime

from flask import current_app
from sqlalchemy import select

import signals
from directory import client
from directory.apply import apply_plan
from directory.mapping import MappingError, PersonRecord, RecordReader, wanted_attributes
from directory.operations import finished, started
from directory.sync import Plan, SyncResult, SyncSettings, _existing_people, _field_changes, finish_counts, stored_links
from directory.tree import find_cycles
from extensions import db
from models import DirectorySyncRun, Person, Unit

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
    found = client.paged_search(settings.server, settings.base_dn, flt,
                                sorted({*wanted_attributes(settings.mapping), mark_name}))
    disabled: set[str] = set()
    if settings.disabled_filter:
        flagged = client.paged_search(settings.server, settings.base_dn,
                                      f"(&{flt}{settings.disabled_filter})", [])
        disabled = {dn.lower() for dn, _ in flagged.entries}
    records: dict[str, PersonRecord] = {}
    invalid: list[dict] = []
    new_mark = mark
    for dn, attrs in found.entries:
        seen = next((v for k, v in attrs.items() if k.lower() == mark_name.lower()), None)
        if seen:
            new_mark = _later(settings.schema, new_mark, str(seen[0]))
        if dn.lower() in disabled:
            continue
        try:
            rec = reader.record(dn, attrs)
        except MappingError as exc:
            invalid.append({"dn": dn, "reason": str(exc)})
            continue
        if rec.external_id in records:
            invalid.append({"dn": dn, "reason": f"duplicate id ({rec.username})"})
            continue
        records[rec.external_id] = rec
    return records, invalid, new_mark


def plan_changes(records: dict[str, PersonRecord], settings: SyncSettings) -> Plan:
    """The full sync's rules for the people read: new starters, field changes and moves
    (unit and manager); managers outside the changed set are found among stored people."""
    result = SyncResult(seen=len(records))
    existing = _existing_people()
    by_dn = {row.dn_norm: ext for ext, row in existing.items() if row.dn_norm and row.active}
    by_dn.update({r.dn_norm: ext for ext, r in records.items()})
    ext_of = {row.id: ext for ext, row in existing.items()}
    parents = {ext: ext_of.get(row.manager_id) for ext, row in existing.items() if row.active}
    managers: dict[str, str | None] = {}
    unknown: set[str] = set()
    for ext, rec in records.items():
        boss = by_dn.get(rec.manager_dn_norm) if rec.manager_dn_norm else None
        if rec.manager_dn_norm and (boss is None or boss == ext):
            result.problems["dangling_manager" if boss is None else "cycles"].append(
                {"username": rec.username, "manager": rec.manager_dn_norm})
            unknown.add(ext)
            boss = None
        managers[ext] = parents[ext] = boss
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
                existing)


def _changed_ids(plan: Plan, moved: set[str]) -> set[int]:
    exts = {r.external_id for r in plan.creates} | moved
    exts |= {ext for ext, row in plan.existing.items() if row.id in plan.updates or row.id in plan.reactivate}
    if not exts:
        return set()
    return set(db.session.scalars(select(Person.id).where(Person.external_id.in_(sorted(exts)))))


def run_changes(now: datetime) -> SyncResult:
    """Apply what changed since the last incremental run; never raises for directory trouble."""
    t0 = time.perf_counter()
    run_id = started(now, False, TRIGGER)
    result = SyncResult(run_id=run_id)
    outcome, mark, changed = "failed", None, set()
    try:
        settings = SyncSettings.from_config(current_app.config)
        records, invalid, mark = read_changes(settings, last_mark())
        plan = plan_changes(records, settings)
        plan.result.problems["invalid"] = invalid
        before_managers, before_units = stored_links(plan)
        finish_counts(plan, before_managers, before_units)
        moved = {ext for ext, boss in plan.managers.items() if ext in before_managers and before_managers[ext] != boss}
        moved |= {ext for ext, rec in records.items()
                  if ext in before_units and before_units[ext] != ("/".join(rec.unit_path) or None)}
        result = plan.result
        result.run_id = run_id
        if plan.creates or plan.updates or plan.reactivate or moved:
            apply_plan(plan, now, settings)
            db.session.commit()
            changed = _changed_ids(plan, moved)
        result.ok, outcome = True, "ok"
    except client.DirectoryError as exc:
        db.session.rollback()
        result.message = f"Nothing was changed: {exc}"
    except Exception as exc:
        db.session.rollback()
        current_app.logger.exception("incremental directory sync failed")
        result.message = f"Nothing was changed: unexpected {type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - t0
    finished(run_id, result, outcome)
    if outcome == "ok":
        run = db.session.get_one(DirectorySyncRun, run_id)
        run.counts = {**(run.counts or {}), "high_water": mark}
        db.session.commit()
        signals.directory_synced.send(signals.sender(), run_id=run_id,
                                      changed_person_ids=changed, deactivated_person_ids=set())
    result.high_water = mark
    return result
