"""Writes a planned directory sync (see `directory.sync`) inside the caller's transaction."""
from __future__ import annotations

from datetime import datetime
from itertools import groupby

from sqlalchemy import bindparam, delete, func, insert, select, update

from directory import client
from directory.addresses import write_addresses
from directory.dn import normalise_dn
from directory.tree import rebuild_closure, rebuild_unit_paths
from extensions import db
from models import Person, RoleGrant, Unit
from models.base import table_of

BATCH = 2000
person_table = table_of(Person)


def _ensure_units(plan) -> dict[str, int]:
    """Create the new units (a level at a time, parents first) and set `active`; unit ids by key."""
    table = table_of(Unit)
    stored = db.session.execute(select(table.c.key, table.c.id, table.c.active)).all()
    ids = {key: uid for key, uid, _active in stored}
    for _level, paths in groupby(plan.new_units, key=len):  # new_units is sorted by depth
        rows = [{"key": "/".join(p), "name": p[-1], "parent_id": ids.get("/".join(p[:-1])) if len(p) > 1 else None,
                 "level": len(p) - 1, "path": "/", "active": True} for p in paths]
        ids.update(db.session.execute(insert(table).returning(table.c.key, table.c.id), rows).tuples().all())
    for active in (True, False):
        flip = [key for key, _uid, was in stored if (key in plan.unit_keys) == active and bool(was) != active]
        for i in range(0, len(flip), BATCH):
            db.session.execute(update(table).where(table.c.key.in_(flip[i : i + BATCH])).values(active=active))
    if plan.new_units:
        rebuild_unit_paths(db.session)
    return ids


def _free_usernames(plan) -> dict[str, tuple]:
    """A user name now used by a new directory person: adopt a local account of that name,
    or rename a leaver's record that still holds it. Returns the adopted accounts as
    external id -> (id, manager_id, manager_unknown)."""
    wanted = {rec.username: rec for rec in plan.creates}
    adopted: dict[str, tuple] = {}
    if not wanted:
        return adopted
    # All user names in one plain query, then objects only for the few that clash: cheaper
    # than 28 IN queries on a first sync of 55,000 people (every name is new then).
    taken = sorted(set(db.session.scalars(select(person_table.c.username))).intersection(wanted))
    holders = [h for i in range(0, len(taken), BATCH)
               for h in db.session.scalars(select(Person).where(Person.username.in_(taken[i : i + BATCH])))]
    for holder in holders:
        rec = wanted[holder.username]
        if holder.external_id is None:
            holder.external_id = rec.external_id  # a local account becomes the directory person
            adopted[rec.external_id] = (holder.id, holder.manager_id, bool(holder.manager_unknown))
            plan.creates.remove(rec)
            plan.result.created -= 1
            plan.result.updated += 1
        else:
            holder.username = f"{holder.username}~{holder.id}"
    db.session.flush()
    return adopted


#: Person columns a new person takes straight from their record.
_RECORD_FIELDS = ("external_id", "username", "email", "display_name", "given_name", "family_name", "title", "dn",
                  "dn_norm", "employee_number", "start_date")


def _person_row(rec, unit_ids: dict[str, int], now: datetime, plan, stored: dict) -> dict:
    row = {f: getattr(rec, f) for f in _RECORD_FIELDS}
    boss = stored.get(plan.managers.get(rec.external_id))
    row.update(unit_id=unit_ids.get("/".join(rec.unit_path)), active=not rec.disabled,
               manager_id=boss[0] if boss else None, manager_unknown=rec.external_id in plan.unknown_manager,
               subtree_size=0, created_at=now, updated_at=now, deactivated_at=now if rec.disabled else None)
    return row


def _in_manager_order(plan) -> list[list]:
    """The new people in batches, each manager in an earlier batch than their reports, so
    most get their manager_id when inserted (no second pass over 55,000 rows)."""
    new = {rec.external_id: rec for rec in plan.creates}
    depth: dict[str, int] = {}
    for ext in new:
        chain, seen, cur = [], set(), ext
        while cur in new and cur not in depth and cur not in seen:  # a cycle stops the walk
            seen.add(cur)
            chain.append(cur)
            cur = plan.managers.get(cur)
        level = depth.get(cur, -1)
        for e in reversed(chain):
            level += 1
            depth[e] = level
    ordered = sorted(plan.creates, key=lambda rec: depth[rec.external_id])
    return [chunk for _d, group in groupby(ordered, key=lambda rec: depth[rec.external_id])
            for chunk in _chunks(list(group))]


def _insert_many(rows: list[dict]) -> None:
    """`db.session.execute(insert(person_table), rows)` as one driver executemany of tuples.

    Each value is converted by its column's own type, once per distinct value: most
    repeat (the run's timestamp, flags), and formatting them again for every row cost as
    much as SQLite's own insert of 55,000 people."""
    dialect = db.session.get_bind().dialect
    names = list(rows[0])
    convert = [person_table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    done: list[dict] = [{} for _ in names]

    def values(row: dict) -> tuple:
        out = []
        for fn, seen, value in zip(convert, done, row.values()):
            if fn is not None:
                if value not in seen:
                    seen[value] = fn(value)
                value = seen[value]
            out.append(value)
        return tuple(out)

    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {person_table.name} ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})"
    db.session.connection().exec_driver_sql(sql, [values(row) for row in rows])


def _insert_people(plan, unit_ids: dict[str, int], now: datetime, on_write, stored: dict) -> None:
    """Insert the new people, managers first, so each gets their manager_id at once."""
    written = 0
    for chunk in _in_manager_order(plan):
        rows = [_person_row(r, unit_ids, now, plan, stored) for r in chunk]
        _insert_many(rows)  # then the new ids by external id (INSERT … RETURNING of many rows costs more)
        new_ids: dict[str, int] = dict(db.session.execute(select(person_table.c.external_id, person_table.c.id).where(
            person_table.c.external_id.in_([row["external_id"] for row in rows]))).tuples().all())
        for row in rows:
            stored[row["external_id"]] = (new_ids[row["external_id"]], row["manager_id"], row["manager_unknown"])
        written += len(chunk)
        if on_write:
            on_write(written)


def _copy_people(plan, unit_ids: dict[str, int], now: datetime, on_write, stored: dict) -> None:
    """PostgreSQL: the same rows as `_insert_people`, with one COPY.

    The ids come from the table's sequence first, so every row knows its manager's id
    and needs no order (foreign keys are checked at the end of the statement). For
    55,000 people, per-row INSERTs cost the server several times as much."""
    if now.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")  # as UTCDateTime refuses it
    seq = db.session.scalar(select(func.pg_get_serial_sequence(person_table.name, "id")))
    ids = db.session.scalars(select(func.nextval(seq)).select_from(func.generate_series(1, len(plan.creates))))
    for rec, pid in zip(plan.creates, ids, strict=True):
        stored[rec.external_id] = (pid, None, None)
    columns = ["id", *_person_row(plan.creates[0], unit_ids, now, plan, stored)]
    driver = db.session.connection().connection.driver_connection  # psycopg, inside the sync's transaction
    if driver is None:
        raise RuntimeError("the database connection was closed during the sync")
    with driver.cursor() as cursor, cursor.copy(f"COPY {person_table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for rec in plan.creates:
            row = _person_row(rec, unit_ids, now, plan, stored)
            copy.write_row((stored[rec.external_id][0], *row.values()))
            stored[rec.external_id] = (stored[rec.external_id][0], row["manager_id"], row["manager_unknown"])
    if on_write:
        on_write(len(plan.creates))


def _write_people(plan, unit_ids: dict[str, int], now: datetime, on_write, adopted: dict) -> dict[str, tuple]:
    """Insert and update people; returns external id -> (id, manager_id, manager_unknown) as stored."""
    stored = {ext: (r.id, r.manager_id, bool(r.manager_unknown)) for ext, r in plan.existing.items()}
    stored.update(adopted)
    if plan.creates and db.session.get_bind().dialect.name == "postgresql":
        _copy_people(plan, unit_ids, now, on_write, stored)
    elif plan.creates:
        _insert_people(plan, unit_ids, now, on_write, stored)
    run: list[dict] = []
    for person_id, changes in plan.updates.items():
        values = dict(changes)
        if "unit_key" in values:
            key = values.pop("unit_key")
            values["unit_id"] = unit_ids.get(key) if key else None
        values["updated_at"] = now
        values["pid"] = person_id
        if run and run[0].keys() != values.keys():
            _update_people(run)
            run = []
        run.append(values)
    if run:
        _update_people(run)
    return stored


def _update_people(rows: list[dict]) -> None:
    """One Core executemany for consecutive updates of the same columns (order kept).
    Core, not ORM: an ORM update re-evaluates its criteria against the whole session."""
    names = [name for name in rows[0] if name != "pid"]
    stmt = update(person_table).where(person_table.c.id == bindparam("pid")).values(
        {name: bindparam(f"new_{name}") for name in names})
    db.session.execute(stmt, [{"pid": row["pid"], **{f"new_{n}": row[n] for n in names}} for row in rows])


def _write_managers(plan, stored: dict[str, tuple]) -> bool:
    """Set manager_id / manager_unknown where they differ from the plan."""
    changed = []
    for ext, boss in plan.managers.items():
        if ext not in stored:
            continue
        pid, manager_id, unknown = stored[ext]
        want = (stored[boss][0] if boss in stored else None, ext in plan.unknown_manager)
        if (manager_id, bool(unknown)) != want:
            changed.append({"pid": pid, "mid": want[0], "unk": want[1]})
    if changed:
        stmt = update(person_table).where(person_table.c.id == bindparam("pid")).values(
            manager_id=bindparam("mid"), manager_unknown=bindparam("unk"))
        for chunk in _chunks(changed):
            db.session.execute(stmt, chunk)
    return bool(changed)


def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _write_presence(plan, now: datetime) -> None:
    if plan.missing_now:
        db.session.execute(update(Person).where(Person.id.in_(plan.missing_now)).values(missing_since=now))
    if plan.deactivate:
        db.session.execute(update(Person).where(Person.id.in_(plan.deactivate))
                           .values(active=False, deactivated_at=now))
    if plan.reactivate:
        db.session.execute(update(Person).where(Person.id.in_(plan.reactivate))
                           .values(active=True, missing_since=None, deactivated_at=None))


def _write_group_roles(settings, removed: dict[int, set[str]]) -> None:
    """Admin and comms from directory groups (source "directory"); app grants are untouched.
    Fills `removed` (person id -> roles taken away)."""
    for role, group_dn in (("admin", settings.admin_group_dn), ("comms", settings.comms_group_dn)):
        if not group_dn:
            continue
        member_dns = sorted({n for n in (normalise_dn(m) for m in client.group_members(settings.server, group_dn))
                             if n})
        by_dn: dict[str | None, int] = {}  # one person per DN; the newest record holds a DN that was reused
        for i in range(0, len(member_dns), BATCH):
            by_dn.update(db.session.execute(select(Person.dn_norm, Person.id).where(
                Person.dn_norm.in_(member_dns[i : i + BATCH])).order_by(Person.id)).tuples().all())
        members = set(by_dn.values())
        current = set(db.session.scalars(select(RoleGrant.person_id).where(
            RoleGrant.role == role, RoleGrant.source == "directory")))
        for person_id in current - members:
            removed.setdefault(person_id, set()).add(role)
        if current - members:
            db.session.execute(delete(RoleGrant).where(RoleGrant.role == role, RoleGrant.source == "directory",
                                                       RoleGrant.person_id.in_(current - members)))
        if members - current:
            db.session.execute(insert(RoleGrant), [{"person_id": pid, "role": role, "source": "directory"}
                                                   for pid in sorted(members - current)])


def apply_plan(plan, now: datetime, settings, on_write=None) -> None:
    """Write every planned change (the caller commits or rolls back)."""
    unit_ids = _ensure_units(plan)
    adopted = _free_usernames(plan)
    stored = _write_people(plan, unit_ids, now, on_write, adopted)
    managers_changed = _write_managers(plan, stored)
    write_addresses(plan.addresses, stored)
    _write_presence(plan, now)
    _write_group_roles(settings, plan.roles_removed)
    if plan.creates or managers_changed or plan.deactivate or plan.reactivate:
        db.session.flush()
        rebuild_closure(db.session)
