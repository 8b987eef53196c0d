"""`flask --app app users …`: local accounts and role grants from the command line."""
from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from auth import operations
from extensions import db
from models import Person

users = AppGroup("users", help="Local accounts and roles.")


@users.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--email", default=None)
@click.option("--role", "roles", multiple=True, type=click.Choice(["admin", "comms"]), help="Grant a role (repeatable).")
@click.option("--password", envvar="VAKSAM_PASSWORD", default=None,
              help="Password (or set VAKSAM_PASSWORD); prompted for when missing.")
@click.option("--manager", default=None, help="User name of the person's manager.")
def create_user(username, display_name, email, roles, password, manager):
    """Create or update a local account (idempotent)."""
    if password is None:
        if not sys.stdin.isatty():
            raise click.UsageError("Give --password or VAKSAM_PASSWORD when not on a terminal.")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        person = operations.create_local_user(
            username, password, display_name=display_name, email=email, roles=tuple(roles)
        )
        if manager:
            boss = db.session.scalar(select(Person).where(Person.username == manager.lower()))
            if boss is None:
                raise operations.AuthError("unknown_manager", f"No such manager: {manager}", manager=manager)
            person.manager_id = boss.id
            from directory.tree import rebuild_closure

            db.session.flush()
            rebuild_closure(db.session)
    except operations.AuthError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"User {person.username} ready (roles: {', '.join(sorted(person.roles))}).")


@users.command("grant")
@click.argument("username")
@click.argument("role", type=click.Choice(["admin", "comms"]))
def grant(username, role):
    """Grant admin or comms to an existing person."""
    person = db.session.scalar(select(Person).where(Person.username == username.lower()))
    if person is None:
        raise click.ClickException(f"No such user: {username}")
    changed = operations.change_role(person, "grant", role, None)
    click.echo(f"{'Granted' if changed else 'Already had'} {role}: {person.username}")


@users.command("revoke")
@click.argument("username")
@click.argument("role", type=click.Choice(["admin", "comms"]))
def revoke(username, role):
    """Revoke a role granted in the app."""
    person = db.session.scalar(select(Person).where(Person.username == username.lower()))
    if person is None:
        raise click.ClickException(f"No such user: {username}")
    changed = operations.change_role(person, "revoke", role, None)
    click.echo(f"{'Revoked' if changed else 'Did not have'} {role}: {person.username}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_users(as_json):
    """List people with app-granted roles and local accounts."""
    people = db.session.scalars(
        select(Person).where((Person.password_hash.is_not(None)) | Person.grants.any()).order_by(Person.username)
    ).all()
    rows: list[dict[str, Any]] = [{"username": p.username, "name": p.name, "roles": sorted(p.roles), "active": p.active}
                                  for p in people]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
    else:
        for r in rows:
            click.echo(f"{r['username']:<20} {', '.join(r['roles']):<30} {r['name']}")
