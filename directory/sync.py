"""The directory sync: read everyone, check the read is complete and plausible, then
apply all changes in one transaction, or none.

Planning (`plan_sync`) reads the database and the directory records and decides
every change without writing; applying (`apply_plan`) writes them. A dry run plans
only. Every run is recorded in `directory_sync_run`, failed ones included.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter

from flask import current_app
from sqlalchemy import select

import signals
from directory import client
from directory.addresses import plan_addresses
from directory.managers import resolve_managers
from directory.mapping import DEFAULT_DISABLED_FILTER, DEFAULT_USER_FILTER, PersonRecord, attribute_map
from directory.operations import finished, started
from directory.reading import read_directory
from extensions import db
from jobs.batch import collector_paused  # run_sync runs in the scheduler and the CLI only
from models import Person, Unit
from signals import person_deactivated, roles_changed

#: Person columns the directory owns (compared and written by the sync).
SYNCED_FIELDS = ("username", "email", "display_name", "given_name", "family_name", "title", "dn", "dn_norm",
                 "employee_number", "start_date")


class SyncRefused(Exception):
    """The read looked complete but applying it would be unsafe (e.g. mass deactivation)."""


@dataclass
class SyncSettings:
    server: client.ServerSettings
    base_dn: str
    user_filter: str
    disabled_filter: str
    schema: str
    mapping: dict[str, str]
    grace_days: int
    max_deactivate_ratio: float
    admin_group_dn: str
    comms_group_dn: str

    @classmethod
    def from_config(cls, config) -> SyncSettings:
        schema = config["LDAP_SCHEMA"]
        if not config["LDAP_URL"]:
            raise client.DirectoryError("LDAP_URL is not set: there is no directory to sync from")
        if not config["LDAP_BASE_DN"]:
            raise client.DirectoryError("LDAP_BASE_DN is not set")
        mapping = attribute_map(schema)
        return cls(
            server=client.ServerSettings.from_config(config),
            base_dn=config["LDAP_BASE_DN"],
            user_filter=config["LDAP_USER_FILTER"] or DEFAULT_USER_FILTER[schema],
            disabled_filter=config.get("LDAP_DISABLED_FILTER", DEFAULT_DISABLED_FILTER[schema])
            if config.get("LDAP_DISABLED_FILTER") is not None else DEFAULT_DISABLED_FILTER[schema],
            schema=schema, mapping=mapping, grace_days=int(config["LDAP_GRACE_DAYS"]),
            max_deactivate_ratio=float(config["LDAP_MAX_DEACTIVATE_RATIO"]),
            admin_group_dn=config["LDAP_ADMIN_GROUP_DN"], comms_group_dn=config["LDAP_COMMS_GROUP_DN"],
        )


@dataclass
class SyncResult:
    ok: bool = False
    dry_run: bool = False
    seen: int = 0
    created: int = 0
    updated: int = 0
    moved: int = 0
    missing: int = 0
    deactivated: int = 0
    reactivated: int = 0
    units: int = 0
    problems: dict[str, list] = field(default_factory=lambda: {
        "dangling_manager": [], "cycles": [], "no_mail": [], "invalid": []})
    seconds: float = 0.0
    message: str = ""
    run_id: int | None = None
    #: The directory's own high-water mark after an incremental run (modifyTimestamp / uSNChanged).
    high_water: str | None = None

    COUNT_KEYS = ("seen", "created", "updated", "moved", "missing", "deactivated", "reactivated", "units")

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.COUNT_KEYS}

    def as_json(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, **self.counts(), "problems": self.problems,
                "seconds": round(self.seconds, 3), "message": self.message, "run_id": self.run_id,
                **({"high_water": self.high_water} if self.high_water else {})}


@dataclass
class Plan:
    """Every write a sync would make, decided before any is made."""

    records: dict[str, PersonRecord]
    new_units: list[tuple[str, ...]]
    creates: list[PersonRecord]
    updates: dict[int, dict]
    #: external_id -> manager external_id (None = no manager), for everyone seen.
    managers: dict[str, str | None]
    unknown_manager: set[str]
    missing_now: list[int]
    deactivate: list[int]
    reactivate: list[int]
    unit_keys: set[str]
    result: SyncResult
    #: external_id -> stored row (id, manager_id, synced fields, …) as read when planning.
    existing: dict = field(default_factory=dict)
    #: external_id -> new set of alternative addresses, for those whose set changes.
    addresses: dict = field(default_factory=dict)
    #: person id -> roles from directory groups taken away (filled when applying).
    roles_removed: dict[int, set[str]] = field(default_factory=dict)


# --- planning ----------------------------------------------------------------------------------

#: What planning needs of each stored directory person: plain rows, not ORM objects
#: (55,000 Person objects cost seconds and hundreds of MB).
_EXISTING_COLUMNS = (Person.id, Person.external_id, Person.active, Person.missing_since,
                     *(getattr(Person, f) for f in SYNCED_FIELDS), Unit.key.label("unit_key"),
                     Person.manager_id, Person.manager_unknown)
_FIRST_SYNCED = 4  # index of SYNCED_FIELDS[0] in a row of _EXISTING_COLUMNS
_synced_values = attrgetter(*SYNCED_FIELDS)


def _existing_people() -> dict:
    rows = db.session.execute(select(*_EXISTING_COLUMNS).outerjoin(Unit, Unit.id == Person.unit_id)
                              .where(Person.external_id.is_not(None)))
    return {row.external_id: row for row in rows}


def _field_changes(person, rec: PersonRecord) -> dict:
    """The synced fields (and unit) that differ between a stored row and a record."""
    stored = tuple(person[_FIRST_SYNCED : _FIRST_SYNCED + len(SYNCED_FIELDS)])
    if stored == _synced_values(rec):
        changes = {}  # the common case: nothing to compare field by field
    else:
        changes = {f: getattr(rec, f) for f, old in zip(SYNCED_FIELDS, stored, strict=True) if old != getattr(rec, f)}
    unit_key = "/".join(rec.unit_path) or None
    if person.unit_key != unit_key:
        changes["unit_key"] = unit_key
    return changes


def plan_sync(records: dict[str, PersonRecord], now: datetime, settings: SyncSettings) -> Plan:
    """Decide every change; raises SyncRefused if the result would be unsafe."""
    result = SyncResult(seen=len(records))
    existing = _existing_people()
    unit_keys = {"/".join(r.unit_path[: i + 1]) for r in records.values() for i in range(len(r.unit_path))}
    known_units = set(db.session.scalars(select(Unit.key)))
    new_units = sorted((tuple(k.split("/")) for k in unit_keys - known_units), key=len)
    result.units = len(unit_keys)
    managers, unknown = resolve_managers(records, result)
    creates, updates, reactivate = [], {}, []
    deactivate, missing_now = [], []
    for ext, rec in records.items():
        if not rec.email:
            result.problems["no_mail"].append(rec.username)
        person = existing.get(ext)
        if person is None:
            creates.append(rec)
            continue
        changes = _field_changes(person, rec)
        if changes:
            updates[person.id] = changes
        if rec.disabled and person.active:
            deactivate.append(person.id)
        elif not rec.disabled and (not person.active or person.missing_since is not None):
            reactivate.append(person.id)
    seen_ids = set(records)
    cutoff = now - timedelta(days=settings.grace_days)
    for ext, person in existing.items():
        if ext in seen_ids or not person.active:
            continue
        if person.missing_since is None:
            missing_now.append(person.id)
        elif person.missing_since <= cutoff:
            deactivate.append(person.id)
    active_before = sum(1 for p in existing.values() if p.active)
    losing = len(deactivate) + len(missing_now)
    if active_before and losing / active_before > settings.max_deactivate_ratio:
        raise SyncRefused(
            f"Refusing to apply: {losing} of {active_before} active people would go missing or be deactivated "
            f"({losing / active_before:.0%} > LDAP_MAX_DEACTIVATE_RATIO {settings.max_deactivate_ratio:.0%})"
        )
    result.created, result.missing = len(creates), len(missing_now)
    result.deactivated, result.reactivated = len(deactivate), len(reactivate)
    return Plan(records, new_units, creates, updates, managers, unknown, missing_now, deactivate, reactivate,
                unit_keys, result, existing, plan_addresses(records, existing))


def stored_links(plan: Plan) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """(external id -> manager's external id, external id -> unit key) as stored before the run."""
    ext_of = {row.id: ext for ext, row in plan.existing.items()}
    return ({ext: ext_of.get(row.manager_id) for ext, row in plan.existing.items()},
            {ext: row.unit_key for ext, row in plan.existing.items()})


def finish_counts(plan: Plan, existing_managers: dict[str, str | None], existing_units: dict[str, str | None]):
    """Count updated and moved people once managers are compared."""
    moved = set()
    for ext, boss in plan.managers.items():
        if ext in existing_managers and existing_managers[ext] != boss:
            moved.add(ext)
    for ext, rec in plan.records.items():
        if ext in existing_units and existing_units[ext] != ("/".join(rec.unit_path) or None):
            moved.add(ext)
    plan.result.moved = len(moved)
    plan.result.updated = len(plan.updates)


def _announce(plan: Plan, run_id: int) -> None:
    """After the commit: who left, whose directory roles were taken away (their sessions end),
    and `signals.directory_synced` once for a run that changed anyone."""
    app = signals.sender()
    for person_id in plan.deactivate:
        person_deactivated.send(app, person_id=person_id)
    for person_id, removed in plan.roles_removed.items():
        roles_changed.send(app, person_id=person_id, removed=removed)
    changed = set(plan.updates) | set(plan.reactivate)
    created = [r.external_id for r in plan.creates]
    for i in range(0, len(created), 5000):
        changed.update(db.session.scalars(select(Person.id).where(Person.external_id.in_(created[i:i + 5000]))))
    if changed or plan.deactivate:
        signals.directory_synced.send(app, run_id=run_id, changed_person_ids=changed,
                                      deactivated_person_ids=set(plan.deactivate))


def run_sync(now: datetime, *, dry_run: bool = False, trigger: str = "cli", requested_by_id: int | None = None,
             on_page=None, on_write=None, run_id: int | None = None) -> SyncResult:
    """Run a full sync (see module docstring). Never raises for directory trouble: the
    result says what happened and the run is recorded."""
    from directory.apply import apply_plan

    t0 = time.perf_counter()
    if run_id is None:
        run_id = started(now, dry_run, trigger, requested_by_id)
    result = SyncResult(dry_run=dry_run, run_id=run_id)
    outcome = "failed"
    applied: Plan | None = None
    try:
        with collector_paused():
            settings = SyncSettings.from_config(current_app.config)
            records, invalid = read_directory(settings, on_page)
            plan = plan_sync(records, now, settings)
            plan.result.problems["invalid"] = invalid
            finish_counts(plan, *stored_links(plan))
            result = plan.result
            result.dry_run, result.run_id = dry_run, run_id
            if not dry_run:
                apply_plan(plan, now, settings, on_write)
                db.session.commit()
                applied = plan
        result.ok, outcome = True, "ok"
    except SyncRefused as exc:
        db.session.rollback()
        result.message, outcome = str(exc), "refused"
    except client.DirectoryError as exc:
        db.session.rollback()
        result.message = f"Nothing was changed: {exc}"
    except Exception as exc:
        db.session.rollback()
        current_app.logger.exception("directory sync failed")
        result.message = f"Nothing was changed: unexpected {type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - t0
    finished(run_id, result, outcome)
    if applied is not None:  # after the commit: receivers (the training status cache) see the new people
        _announce(applied, run_id)
    return result
