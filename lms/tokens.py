"""Bearer tokens for integrations: created once (shown once), stored as a SHA-256 hash,
named, revocable. A random 256-bit token needs no slow hash: guessing is hopeless."""
from __future__ import annotations

import hmac
from datetime import datetime

from sqlalchemy import select

import audit
from extensions import db
from main.tokens import new_token, token_digest
from models import ApiToken, Person

PREFIX = "vks_"


#: The stored form of a token (kept under this name for callers).
hash_token = token_digest


def create_token(name: str, by: Person | None) -> tuple[ApiToken, str]:
    """A new token for the integration `name`; returns (row, the token to hand over once)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValueError("A token needs a name of 1-100 characters.")
    if db.session.scalar(select(ApiToken).where(ApiToken.name == name)) is not None:
        raise ValueError(f"A token named {name!r} already exists; revoke it or pick another name.")
    token = PREFIX + new_token()
    row = ApiToken(name=name, token_hash=hash_token(token), prefix=token[:12], created_by_id=by.id if by else None)
    db.session.add(row)
    db.session.flush()
    audit.record("training.token.create", "api_token", row.id, {"name": name},
                 actor_id=by.id if by else None, commit=False)
    return row, token


def revoke_token(row: ApiToken, by: Person | None, now: datetime) -> bool:
    if row.revoked_at is not None:
        return False
    row.revoked_at = now
    audit.record("training.token.revoke", "api_token", row.id, {"name": row.name},
                 actor_id=by.id if by else None, commit=False)
    return True


def find_token(presented: str) -> ApiToken | None:
    """The valid (not revoked) token row for a presented bearer token, else None."""
    if not presented or len(presented) > 200:
        return None
    digest = hash_token(presented)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return row
