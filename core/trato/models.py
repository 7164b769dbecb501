"""The core's own tables: users, plugin state, shared counters and jobs.

Every core table is prefixed `core_` so that no plugin (whose tables carry its
own name as prefix) can collide with one; the plugin name `core` is reserved.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class User(UserMixin, Base):
    """A person who signs in; what they may do comes from their role (trato.roles)."""

    __tablename__ = "core_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    # A copy of `role.is_admin`, kept by trato.roles.assign_role, for the many checks that need only this.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    role_id: Mapped[int | None] = mapped_column(ForeignKey("core_role.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Bumped to end every session of this user at once (logout everywhere,
    # password change, deactivation); the session cookie carries the epoch.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set after an administrator gave a temporary password: every page leads
    # to the password form until the user picks one of their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Two-factor sign-in (see trato.twofactor): the secret is kept from the
    # start of enrolment, two-factor is on once `totp_enabled_at` is set, and
    # the time step of the last accepted code stops a code being used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    @property
    def has_password(self) -> bool:
        """False for an invited user who has not chosen a password yet."""
        return bool(self.password_hash)

    @property
    def two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"


class PluginState(Base):
    """Whether an installed plugin is enabled; installed is not enabled."""

    __tablename__ = "core_plugin"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Counter(Base):
    """Named counters every worker polls to learn that shared state changed.

    `plugins` moves when a plugin is enabled or disabled, `schema` when an
    admin changes fields or entities. One indexed read per request tells a
    worker whether it must rebuild anything.
    """

    __tablename__ = "core_counter"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class PeriodicClaim(Base):
    """One run of a periodic task at one tick of its schedule, claimed by the first worker that got there.

    Every worker's scheduler fires every periodic task; the claim (its
    primary key) lets one of them run it and the others skip it.
    """

    __tablename__ = "core_periodic_claim"

    task: Mapped[str] = mapped_column(String(120), primary_key=True)
    tick: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)


class Job(Base):
    """A background job whose status and progress the UI polls."""

    __tablename__ = "core_job"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued running done failed
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[Any] = mapped_column(JSON, nullable=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Written every few seconds while the job runs (jobs.Heartbeat): a running job whose heartbeat is old died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What to queue again when a job of a task registered with `retry=True` died with its worker (jobs.recover).
    task: Mapped[str | None] = mapped_column(String(120))
    arguments: Mapped[Any] = mapped_column(JSON, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0

