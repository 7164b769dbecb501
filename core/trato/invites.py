"""One-time links that let a person choose a password: invitations and password resets.

The link carries a random token; the database keeps only its SHA-256, so a
copy of the database opens no account. A link works once, until it expires
(`invite_valid_hours`), and issuing a new one for a user cancels the old.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from . import security_log
from .db import Base
from .errors import TratoError
from .fields.sqltypes import UTCDateTime
from .i18n import _
from .models import User, utcnow
from .settings import Settings
from .users import check_password_rules, set_password

INVITE = "invite"
RESET = "reset"


class Invite(Base):
    """A one-time link for `user` to choose a password (`kind` invite or reset)."""

    __tablename__ = "core_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class LinkNotValid(TratoError):
    """The link is unknown, used, expired, or its account is deactivated."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, settings: Settings, user: User, kind: str, admin: User | None) -> str:
    """Make a new link for `user` and return its token (shown once, never stored); `admin` None when the user
    asked for a reset link themselves ("Forgot password?")."""
    session.execute(delete(Invite).where(Invite.user_id == user.id, Invite.used_at.is_(None)))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(Invite(user_id=user.id, kind=kind, token_hash=_digest(token), created_by=admin.id if admin else None,
                       created_at=now, expires_at=now + timedelta(hours=settings.invite_valid_hours)))
    if kind == INVITE:
        security_log.record(session, security_log.INVITED, user, actor=admin)
    else:
        security_log.record(session, security_log.PASSWORD_RESET, user, actor=admin,
                            method="link" if admin else "self-service")
    session.flush()
    return token


def find(session: Session, token: str) -> Invite | None:
    """The link this token opens, if it still may be used."""
    invite = session.scalar(select(Invite).where(Invite.token_hash == _digest(token)))
    if invite is None or invite.used_at is not None or invite.expires_at <= utcnow() or not invite.user.active:
        return None
    return invite


def pending(session: Session, user: User) -> Invite | None:
    """The user's unused link that has not expired, if any (for the admin's page)."""
    return session.scalar(select(Invite).where(Invite.user_id == user.id, Invite.used_at.is_(None),
                                               Invite.expires_at > utcnow()))


def redeem(session: Session, token: str, password: str) -> User:
    """Set the password through the link and use the link up."""
    check_password_rules(password)
    invite = find(session, token)
    # The conditional update uses the link up even when two requests race with it.
    if invite is None or session.execute(
        update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None)).values(used_at=utcnow())
    ).rowcount != 1:  # type: ignore[attr-defined]
        raise LinkNotValid(_("This link has expired or was already used. Ask an administrator for a new one."))
    set_password(session, invite.user, password)
    security_log.record(session, security_log.LINK_USED, invite.user, kind=invite.kind)
    return invite.user
