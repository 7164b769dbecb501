"""Sign-in sessions the server keeps, so that it can end them: one row per sign-in.

The signed session cookie carries a random key; the database keeps only the
key's SHA-256 (`core_session.id`), so a copy of the database opens no
session. Every request reads that row with its user in one primary-key
lookup (`current`), so a session ends at once on every web worker and node
when its row is gone (signing out, here or from the profile's list of
sessions) or when the user's `session_epoch` moved past the one the row was
made under (deactivation, a password change, signing out everywhere bump it
in the same transaction as the change).

Limits: without "keep me signed in" the cookie ends with the browser and
`session_idle_minutes` without a request end the session; with it idleness
does not count. Nothing outlives `session_max_days` after the password was
typed. "Last seen" is written at most once a minute (`TOUCH_EVERY`), so
requests rarely write. Dead rows go when their user next signs in and in
the nightly purge.
"""
from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import MutableMapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, session
from sqlalchemy import Boolean, ColumnElement, ForeignKey, Integer, String, and_, bindparam, delete, func, or_, \
    select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import bookkeeping, client, db
from .db import Base
from .fields.sqltypes import UTCDateTime
from .models import User, utcnow
from .settings import Settings

KEY = "_trato_session"
TOUCH_EVERY = timedelta(minutes=1)
COOKIE_NAME = "trato_session"
_FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds")


class UserSession(Base):
    """One sign-in of one user in one browser."""

    __tablename__ = "core_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's key
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    epoch: Mapped[int] = mapped_column(Integer)  # the user's session_epoch when signing in
    remember: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ip: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(300))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _settings() -> Settings:
    return current_app.extensions["trato"].settings  # type: ignore[no-any-return]


def _within_limits(settings: Settings, created_at: datetime, last_seen_at: datetime, remember: bool,
                   now: datetime) -> bool:
    if now - created_at > timedelta(days=settings.session_max_days):
        return False
    return remember or now - last_seen_at <= timedelta(minutes=settings.session_idle_minutes)


def _dead(settings: Settings, now: datetime) -> ColumnElement[bool]:
    """Sessions past a limit, or of a user deactivated or whose epoch moved on since."""
    epoch = select(User.session_epoch).where(User.id == UserSession.user_id, User.active).scalar_subquery()
    return or_(UserSession.created_at < now - timedelta(days=settings.session_max_days),
               and_(~UserSession.remember,
                    UserSession.last_seen_at < now - timedelta(minutes=settings.session_idle_minutes)),
               UserSession.epoch != func.coalesce(epoch, -1))


def this_id() -> str | None:
    """The row id of this browser's session, if it has one."""
    key = session.get(KEY)
    return _digest(key) if isinstance(key, str) else None


def begin(dbs: Session, user: User, remember: bool, store: MutableMapping[str, Any] | None = None) -> None:
    """Open a session for `user` in this browser (`store`: the Flask session), with a key never used before.

    The browser's previous session, if any, ends; so do the user's dead ones.
    The caller commits.
    """
    store = session if store is None else store
    now = utcnow()
    previous = store.get(KEY)
    if isinstance(previous, str):
        dbs.execute(delete(UserSession).where(UserSession.id == _digest(previous)))
    dbs.execute(delete(UserSession).where(UserSession.user_id == user.id, _dead(_settings(), now)))
    key = secrets.token_urlsafe(32)
    dbs.add(UserSession(id=_digest(key), user_id=user.id, epoch=user.session_epoch, remember=remember,
                        created_at=now, last_seen_at=now, ip=client.address(), user_agent=client.agent()))
    store[KEY] = key
    store.permanent = remember  # type: ignore[attr-defined]


# Built once: every signed-in request runs it.
_CURRENT = (select(User, UserSession.epoch, UserSession.remember, UserSession.created_at, UserSession.last_seen_at)
            .join(User, User.id == UserSession.user_id).where(UserSession.id == bindparam("id")))


def current(user_id: str) -> User | None:
    """The user whose live session this browser holds (Flask-Login's `user_id` must name them), or None.

    One read by primary key; "last seen" is written when a minute has passed.
    """
    row_id, uid = this_id(), user_id.partition(":")[0]
    if row_id is None or not uid.isdigit():
        return None
    found = db.session().execute(_CURRENT, {"id": row_id}).one_or_none()
    if found is None:
        return None
    user, now = found.User, utcnow()
    if user.id != int(uid) or not user.active or found.epoch != user.session_epoch \
            or not _within_limits(_settings(), found.created_at, found.last_seen_at, found.remember, now):
        return None
    if now - found.last_seen_at >= TOUCH_EVERY:
        bookkeeping.write(update(UserSession).where(UserSession.id == row_id).values(last_seen_at=now))
    return user  # type: ignore[no-any-return]


def renew(dbs: Session, user: User) -> None:
    """After a password change: every session of the user ends, and this browser gets a new one."""
    row_id = this_id()
    remember = bool(row_id and dbs.scalar(select(UserSession.remember).where(UserSession.id == row_id)))
    end_all(dbs, user)
    begin(dbs, user, remember)


def end(dbs: Session) -> None:
    """Sign this browser out: its session row goes, so a copy of the cookie opens nothing. The caller commits."""
    row_id = this_id()
    if row_id is not None:
        dbs.execute(delete(UserSession).where(UserSession.id == row_id))
    forget()


def end_all(dbs: Session, user: User) -> None:
    """Every session of `user` ends. The caller commits."""
    dbs.execute(delete(UserSession).where(UserSession.user_id == user.id))


def end_one(dbs: Session, user: User, row_id: str) -> bool:
    """End one of the user's own sessions (from the profile's list); False if it is not theirs or gone."""
    result = dbs.execute(delete(UserSession).where(UserSession.id == row_id, UserSession.user_id == user.id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def alive_for(dbs: Session, user: User) -> list[UserSession]:
    """The user's live sessions, the most recently used first."""
    rows = dbs.scalars(select(UserSession).where(UserSession.user_id == user.id, ~_dead(_settings(), utcnow()))
                       .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc()))
    return list(rows)


def purge(dbs: Session, settings: Settings) -> int:
    """Remove every dead session; how many. The caller commits."""
    result = dbs.execute(delete(UserSession).where(_dead(settings, utcnow())))
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


def forget() -> None:
    """Drop the sign-in from the cookie, keeping the rest (such as the chosen language)."""
    for key in (*_FLASK_LOGIN_KEYS, KEY):
        session.pop(key, None)
    session.permanent = False


def _loopback_http(base_url: str) -> bool:
    """Whether `base_url` is plain http on this machine (127.0.0.0/8, ::1 or localhost)."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def cookie_secure(settings: Settings) -> bool:
    """The `session_cookie_secure` setting, or when unset: Secure unless Trato is opened by plain http on loopback."""
    if settings.session_cookie_secure is not None:
        return settings.session_cookie_secure
    return not _loopback_http(settings.base_url)


def init_app(app: Flask, settings: Settings) -> None:
    """Cookie flags: HttpOnly, SameSite=Lax, and when Secure the `__Host-` prefix (Path=/, no Domain).

    "Keep me signed in" is this cookie made permanent; Flask-Login's own
    remember cookie is never set.
    """
    secure = cookie_secure(settings)
    app.config.update(
        SESSION_COOKIE_NAME=f"__Host-{COOKIE_NAME}" if secure else COOKIE_NAME,
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
        PERMANENT_SESSION_LIFETIME=timedelta(days=settings.session_max_days),
    )
