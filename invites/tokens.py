"""Secret feed tokens: Google and Outlook fetch calendar feeds from their own servers, without
a log-in, so the URL itself is the key.

Only the sha256 of a token is stored; the token is shown once, when it is made. A person has
at most one working token (a partial unique index); making a new one revokes the old one,
and a revoked or unknown token finds nobody (the feed answers 404).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from models.base import affected
from main.tokens import new_token, token_digest
from models import FeedToken, Person, Unit

#: What a token looks like (secrets.token_urlsafe(32) gives 43 such characters).
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
#: last_used_at is written at most this often, so feed polling does not mean a write per fetch.
TOUCH_EVERY = timedelta(hours=1)


#: The stored form of a feed token.
digest = token_digest


def active_token(person: Person) -> FeedToken | None:
    return db.session.scalar(select(FeedToken).where(FeedToken.person_id == person.id,
                                                     FeedToken.revoked_at.is_(None)))


def revoke(person: Person, now: datetime) -> bool:
    """Stop the person's feed links from working; False if there was nothing to revoke."""
    result = db.session.execute(update(FeedToken).where(FeedToken.person_id == person.id,
                                                        FeedToken.revoked_at.is_(None)).values(revoked_at=now))
    return bool(affected(result))


def create(person: Person, now: datetime) -> str:
    """A new token for the person (the old one stops working). Returns the token itself."""
    for _attempt in range(3):
        revoke(person, now)
        token = new_token()
        try:
            with db.session.begin_nested():
                db.session.add(FeedToken(person_id=person.id, token_hash=digest(token), created_at=now))
                db.session.flush()
            return token
        except IntegrityError:  # a concurrent click made one in between: revoke that one too
            continue
    raise RuntimeError("could not create a feed token")


@dataclass(frozen=True)
class Owner:
    """Whose feed it is: just what the feeds need (no ORM object, so no relationship loads)."""

    id: int
    unit_id: int | None
    #: The unit's materialised path ("/3/17/"), for the units above it.
    unit_path: str | None


#: Built once: a feed request is mostly this lookup, so it should not be rebuilt each time.
_OWNER = (select(FeedToken.id, FeedToken.last_used_at, Person.id, Person.unit_id, Unit.path)
          .join(Person, Person.id == FeedToken.person_id).outerjoin(Unit, Unit.id == Person.unit_id)
          .where(FeedToken.token_hash == bindparam("token_hash"), FeedToken.revoked_at.is_(None),
                 Person.active.is_(True)))


def owner_for(token: str, now: datetime) -> Owner | None:
    """The active person a working token belongs to, or None."""
    if not TOKEN_RE.match(token or ""):
        return None
    row = db.session.execute(_OWNER, {"token_hash": digest(token)}).first()
    if row is None:
        return None
    token_id, last_used, person_id, unit_id, unit_path = row
    if last_used is None or now - last_used > TOUCH_EVERY:
        db.session.execute(update(FeedToken).where(FeedToken.id == token_id).values(last_used_at=now))
        db.session.commit()
    return Owner(person_id, unit_id, unit_path)
