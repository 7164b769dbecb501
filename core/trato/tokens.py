"""Personal API tokens: `Authorization: Bearer trato_<prefix>_<secret>`.

A token is shown once when made. The database keeps its short random prefix
(to find the row) and the SHA-256 of the whole token (to check it); the
secret part has 256 random bits, so a copy of the database opens nothing.
A token has a scope (read, or read and write), may expire, and stops
working at once when revoked or when its user is deactivated.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, bindparam, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import bookkeeping, db, security_log
from .db import Base
from .errors import TratoError
from .fields.sqltypes import UTCDateTime
from .i18n import _, _l
from .models import User, utcnow

READ = "read"
WRITE = "write"
SCOPES = {READ: _l("Read"), WRITE: _l("Read and write")}
PREFIX = "trato_"
# Last use is written at most once a minute per token, not on every call.
LAST_USED_EVERY = timedelta(minutes=1)


class ApiToken(Base):
    __tablename__ = "core_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def allows(scope: str, needed: str) -> bool:
    """Whether a token of `scope` may do what `needed` asks (write includes read)."""
    return scope == WRITE or needed == READ


def create(session: Session, user: User, name: str, scope: str, days: int | None) -> tuple[ApiToken, str]:
    """Make a token for `user`; return it and its text, which is never shown again."""
    name = name.strip()
    if not name:
        raise TratoError(_("Give the token a name."))
    if scope not in SCOPES:
        raise TratoError(_("Choose what the token may do."))
    prefix = secrets.token_hex(4)
    while session.scalar(select(ApiToken.id).where(ApiToken.prefix == prefix)) is not None:
        prefix = secrets.token_hex(4)
    text = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    now = utcnow()
    token = ApiToken(user_id=user.id, name=name[:100], prefix=prefix, token_hash=_digest(text), scope=scope,
                     created_at=now, expires_at=now + timedelta(days=days) if days else None)
    session.add(token)
    session.flush()
    security_log.record(session, security_log.TOKEN_CREATED, user, token=token.name, scope=scope)
    return token, text


def for_user(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(session: Session, token: ApiToken, by: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        owner = session.get(User, token.user_id)
        security_log.record(session, security_log.TOKEN_REVOKED, owner, actor=by, token=token.name)


def _parse(header_value: str | None) -> tuple[str, str] | None:
    """The prefix and the whole token from an `Authorization` header value."""
    scheme, _sep, text = (header_value or "").strip().partition(" ")
    text = text.strip()
    if scheme.lower() != "bearer" or not text.startswith(PREFIX):
        return None
    prefix, sep, secret = text.removeprefix(PREFIX).partition("_")
    if not sep or not prefix or not secret:
        return None
    return prefix, text


# Built once: every API request runs it, and building the statement cost as much as running it.
_LIVE_TOKEN = (select(User, ApiToken.id, ApiToken.token_hash, ApiToken.scope, ApiToken.last_used_at)
               .join(User, User.id == ApiToken.user_id)
               .where(ApiToken.prefix == bindparam("prefix"), ApiToken.revoked_at.is_(None), User.active,
                      ApiToken.expires_at.is_(None) | (ApiToken.expires_at > bindparam("now"))))


def fingerprint(header_value: str | None) -> str | None:
    """A hash of the token an `Authorization` value carries, to count its calls before looking it up; or None."""
    parsed = _parse(header_value)
    return _digest(parsed[1])[:32] if parsed is not None else None


def authenticate_bearer(header_value: str | None) -> tuple[User, str] | None:
    """The active user and scope an `Authorization: Bearer ...` value stands for, or None.

    The token and its user come in one statement of the request's session.
    Its last use is written at most every `LAST_USED_EVERY`, aside from the
    request's transaction (bookkeeping.py).
    """
    parsed = _parse(header_value)
    if parsed is None:
        return None
    prefix, text = parsed
    now = utcnow()
    found = db.session().execute(_LIVE_TOKEN, {"prefix": prefix, "now": now}).one_or_none()
    if found is None or not hmac.compare_digest(found.token_hash, _digest(text)):
        return None
    if found.last_used_at is None or now - found.last_used_at >= LAST_USED_EVERY:
        bookkeeping.write(update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=now))
    return found.User, found.scope
