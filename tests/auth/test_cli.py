"""`flask --app app users …`."""
from __future__ import annotations

import json

from sqlalchemy import select

from extensions import db
from models import Person


def test_create_user_is_idempotent(runner, app):
    args = ["users", "create", "Eva", "--name", "Eva Ek", "--role", "admin", "--password", "a-long-password"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    people = db.session.scalars(select(Person).where(Person.username == "eva")).all()
    assert len(people) == 1 and people[0].has_role("admin")
    assert people[0].password_hash.startswith("scrypt:")


def test_short_password_refused(runner, app):
    result = runner.invoke(args=["users", "create", "eva", "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert db.session.scalar(select(Person).where(Person.username == "eva")) is None


def test_create_with_manager_builds_the_tree(runner, app):
    runner.invoke(args=["users", "create", "boss", "--password", "a-long-password"])
    result = runner.invoke(args=["users", "create", "worker", "--password", "a-long-password", "--manager", "boss"])
    assert result.exit_code == 0, result.output
    boss = db.session.scalar(select(Person).where(Person.username == "boss"))
    db.session.refresh(boss)
    assert boss.is_manager


def test_unknown_manager_refused(runner, app):
    result = runner.invoke(args=["users", "create", "w", "--password", "a-long-password", "--manager", "ghost"])
    assert result.exit_code != 0 and "No such manager" in result.output
    assert db.session.scalar(select(Person).where(Person.username == "w")) is None


def test_grant_revoke_and_list(runner, org):
    assert runner.invoke(args=["users", "grant", "ann", "comms"]).exit_code == 0
    listing = json.loads(runner.invoke(args=["users", "list", "--json"]).output)
    ann = next(r for r in listing if r["username"] == "ann")
    assert "comms" in ann["roles"]
    assert runner.invoke(args=["users", "revoke", "ann", "comms"]).exit_code == 0
    db.session.expire_all()
    assert "comms" not in org["ann"].roles
    assert runner.invoke(args=["users", "grant", "ghost", "comms"]).exit_code != 0
