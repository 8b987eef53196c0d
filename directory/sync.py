"""The directory sync: read everyone, check the read is complete and plausible, then
apply all changes in one transaction, or none.

Planning (`plan_sync`) reads the database and the directory records and decides
every change without writing; applying (`apply_plan`) writes them. A dry run plans
only. Every run is recorded in `directory_sync_run`, failed ones included.
"""
from __future__ import annotations

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
from directory.reading import read_directory
from directory.runs import Run, SyncRefused, SyncResult, run_recorded
from extensions import db
from jobs.batch import collector_paused  # run_sync runs in the scheduler and the CLI only
from models import Person, Unit
from models.base import bulk_read
from signals import person_deactivated, roles_changed

#: Person columns the directory owns (compared and written by the sync).
SYNCED_FIELDS = ("username", "email", "display_name", "given_name", "family_name", "title", "dn", "dn_norm",
                 "employee_number", "start_date")


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
    #: True for an incremental sync: `existing` holds only the people it needs, and the org
    #: tree is updated below the people touched (`directory.tree_update`), not rebuilt.
    partial: bool = False


# --- planning ----------------------------------------------------------------------------------

#: What planning needs of each stored directory person: plain rows, not ORM objects
#: (55,000 Person objects cost seconds and hundreds of MB).
_EXISTING_COLUMNS = (Person.id, Person.external_id, Person.active, Person.missing_since,
                     *(getattr(Person, f) for f in SYNCED_FIELDS), Unit.key.label("unit_key"),
                     Person.manager_id, Person.manager_unknown)
_FIRST_SYNCED = 4  # index of SYNCED_FIELDS[0] in a row of _EXISTING_COLUMNS
_synced_values = attrgetter(*SYNCED_FIELDS)


def _existing_people(*where) -> dict:
    """Stored directory people (those matching `where`, or all) by external id."""
    rows = bulk_read(db.session, select(*_EXISTING_COLUMNS).outerjoin(Unit, Unit.id == Person.unit_id)
                     .where(Person.external_id.is_not(None), *where))
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
    """Run a full sync (see module docstring) under the sync lease (`directory.runs`). Never
    raises for directory trouble: the result says what happened and the run is recorded."""
    from directory.apply import apply_plan

    def body(run: Run) -> None:
        def page(pages: int, entries: int) -> None:
            run.lease.renew()  # reading is the long part; nothing is uncommitted meanwhile
            if on_page:
                on_page(pages, entries)

        with collector_paused():
            settings = SyncSettings.from_config(current_app.config)
            records, invalid = read_directory(settings, page)
            plan = plan_sync(records, now, settings)
            plan.result.problems["invalid"] = invalid
            finish_counts(plan, *stored_links(plan))
            run.result = plan.result
            if not dry_run:
                run.lease.renew()
                apply_plan(plan, now, settings, on_write)
                db.session.commit()
                run.after = lambda run_id: _announce(plan, run_id)

    return run_recorded(now, body, trigger=trigger, dry_run=dry_run, requested_by_id=requested_by_id, run_id=run_id)
