"""Sign-in throttling: a temporary lockout after repeated failures, per account and per address.

Failures are rows in the database, so every web worker sees the same count.
`login_max_failures` failures for one email within `login_lockout_minutes`
(or `login_max_failures_per_ip` from one address) refuse further attempts
for `login_lockout_minutes` after the last of them. The email counts whether
or not an account has it, so the lockout tells nothing about who is a user.
While locked, attempts are refused before any password is checked and are
not counted, so the lockout ends on time.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Index, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base
from .fields.sqltypes import UTCDateTime
from .models import utcnow
from .settings import Settings


class LoginAttempt(Base):
    """One failed sign-in (a wrong password or a wrong two-factor code)."""

    __tablename__ = "core_login_attempt"
    __table_args__ = (
        Index("ix_core_login_attempt_email_at", "email", "at"),
        Index("ix_core_login_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(45))


def _span(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.login_lockout_minutes)


def _lock_end(session: Session, where: ColumnElement[bool], limit: int, span: timedelta,
              now: datetime) -> datetime | None:
    """When the newest lock on these failures ends: `limit` of them within `span`, plus `span`.

    A lock still running began after `now - span`, with its first failure
    after `now - 2 * span`, so older rows cannot matter.
    """
    times = list(session.scalars(
        select(LoginAttempt.at).where(where, LoginAttempt.at > now - 2 * span).order_by(LoginAttempt.at)
    ))
    end = None
    for last in range(limit - 1, len(times)):
        if times[last] - times[last - limit + 1] <= span:
            end = times[last] + span
    return end


def locked_for(session: Session, settings: Settings, email: str, ip: str) -> timedelta | None:
    """How much longer sign-in stays refused for this email or this address; None when it is not."""
    now = utcnow()
    span = _span(settings)
    ends = [
        _lock_end(session, LoginAttempt.email == email, settings.login_max_failures, span, now),
        _lock_end(session, LoginAttempt.ip == ip, settings.login_max_failures_per_ip, span, now),
    ]
    end = max((e for e in ends if e is not None), default=None)
    return end - now if end is not None and end > now else None


def record_failure(session: Session, settings: Settings, email: str, ip: str) -> timedelta | None:
    """Count a failure; return the lockout it starts, if it starts one.

    Rows too old to matter to any lock are removed on the way.
    """
    now = utcnow()
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - 2 * _span(settings)))
    session.add(LoginAttempt(at=now, email=email, ip=ip))
    session.flush()
    return locked_for(session, settings, email, ip)


def clear_account(session: Session, email: str) -> None:
    """A successful sign-in forgets the account's failures (the address's stay counted)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))


def minutes(remaining: timedelta) -> int:
    """Whole minutes, rounded up, for the message shown to the person."""
    return max(1, -(-int(remaining.total_seconds()) // 60))
