"""Log-in limits, keyed on the account (not the spelling) and the client address.

- Failures for one account from one address: that pair is refused (429) for the window.
- Failures from one address, whatever the accounts: that address is refused.
- Failures for an account from *other* addresses only slow that account down (a growing,
  capped delay); a correct password from an address that has not failed always gets in,
  so nobody can keep a named person out by guessing at their account.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import LoginAttempt

#: The first delay; each further failure from elsewhere doubles it, up to LOGIN_DELAY_MAX_SECONDS.
BASE_DELAY = 0.25


def _failures(now: datetime):
    since = now - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.success.is_(False), LoginAttempt.at >= since)


def refused(account: str, ip: str, now: datetime) -> bool:
    """True if this address has failed too often, for this account or overall."""
    cfg = current_app.config
    failures = _failures(now)
    pair = db.session.scalar(failures.where(LoginAttempt.account == account, LoginAttempt.ip == ip))
    if pair >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return True
    return db.session.scalar(failures.where(LoginAttempt.ip == ip)) >= cfg["LOGIN_MAX_FAILURES_PER_IP"]


def delay_seconds(failures_elsewhere: int, threshold: int, cap: float) -> float:
    """How long to hold an attempt back, given the account's recent failures from other addresses."""
    if failures_elsewhere < threshold:
        return 0.0
    return min(cap, BASE_DELAY * 2 ** min(failures_elsewhere - threshold, 30))


def delay_for(account: str, ip: str, now: datetime) -> float:
    cfg = current_app.config
    elsewhere = db.session.scalar(_failures(now).where(LoginAttempt.account == account, LoginAttempt.ip != ip))
    return delay_seconds(elsewhere, cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"], float(cfg["LOGIN_DELAY_MAX_SECONDS"]))


@dataclass
class AccountUnderAttack:
    #: The rate-limit key ("person:<id>", "dn:<DN>", "name:<user name>").
    account: str
    failures: int
    addresses: int
    last_at: datetime


def accounts_under_attack(now: datetime, limit: int = 100) -> list[AccountUnderAttack]:
    """Accounts with at least LOGIN_MAX_FAILURES_PER_ACCOUNT failures in the window, the most first."""
    cfg = current_app.config
    since = now - timedelta(minutes=cfg["LOGIN_WINDOW_MINUTES"])
    failures = func.count(LoginAttempt.id)
    rows = db.session.execute(
        select(LoginAttempt.account, failures, func.count(func.distinct(LoginAttempt.ip)), func.max(LoginAttempt.at))
        .where(LoginAttempt.success.is_(False), LoginAttempt.at >= since, LoginAttempt.account.is_not(None))
        .group_by(LoginAttempt.account)
        .having(failures >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"])
        .order_by(failures.desc(), LoginAttempt.account)
        .limit(limit)).all()
    return [AccountUnderAttack(*row) for row in rows]
