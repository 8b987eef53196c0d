"""Sign-ins through the region's identity provider (OpenID Connect)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class OidcSignIn(Base):
    """One sign-in through the identity provider: what back-channel logout and RP-initiated
    logout need to find it again (the IdP's subject and session id, the ID token as hint)."""

    __tablename__ = "oidc_sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The person who signed in.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    #: The issuer that vouched for them (`iss`).
    issuer: Mapped[str] = mapped_column(String(500))
    #: The IdP's identifier of the user (`sub`), unique per issuer.
    subject: Mapped[str] = mapped_column(String(255))
    #: The IdP's session id (`sid`), when it sends one; back-channel logout names it.
    idp_session_id: Mapped[str | None] = mapped_column(String(255))
    #: The ID token, sent back as `id_token_hint` on RP-initiated logout; cleared at the end.
    id_token: Mapped[str | None] = mapped_column(Text)
    #: When the sign-in happened.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it ended (log-out here or at the IdP); a signed-in browser is logged out at its next request.
    ended_at: Mapped[datetime | None]
    #: Why it ended: "logout", "backchannel".
    ended_reason: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (
        Index("ix_oidc_sign_in_subject", "issuer", "subject"),
        Index("ix_oidc_sign_in_session", "issuer", "idp_session_id"),
        Index("ix_oidc_sign_in_person_id", "person_id"),
        Index("ix_oidc_sign_in_created_at", "created_at"),
    )


class OidcLogoutToken(Base):
    """The `jti` of each back-channel logout token accepted, so a replayed token is refused."""

    __tablename__ = "oidc_logout_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The issuer of the token.
    issuer: Mapped[str] = mapped_column(String(500))
    #: The token's unique id (`jti`).
    jti: Mapped[str] = mapped_column(String(255))
    #: When it was accepted (old rows are pruned).
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("uq_oidc_logout_token_issuer_jti", "issuer", "jti", unique=True),
        Index("ix_oidc_logout_token_received_at", "received_at"),
    )
