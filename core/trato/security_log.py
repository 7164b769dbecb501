"""Security events: sign-ins, failures, lockouts, password, two-factor and token changes.

Kept apart from the record audit history (`core_audit`), which describes
changes to business records; these rows describe accounts. The application
only ever adds rows: updating or deleting one through the ORM is refused.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base
from .errors import TratoError
from .fields.sqltypes import UTCDateTime
from .i18n import _l
from .models import User, utcnow

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOCKOUT = "lockout"
LOGOUT_EVERYWHERE = "logout_everywhere"
PASSWORD_CHANGED = "password_changed"
PASSWORD_RESET = "password_reset"
INVITED = "invited"
LINK_USED = "link_used"
USER_CREATED = "user_created"
DEACTIVATED = "deactivated"
REACTIVATED = "reactivated"
TWO_FACTOR_ENABLED = "2fa_enabled"
TWO_FACTOR_DISABLED = "2fa_disabled"
RECOVERY_CODES_RENEWED = "recovery_codes_renewed"
RECOVERY_CODE_USED = "recovery_code_used"
TOKEN_CREATED = "token_created"
TOKEN_REVOKED = "token_revoked"
ROLE_CREATED = "role_created"
ROLE_CHANGED = "role_changed"
ROLE_DELETED = "role_deleted"
PERMISSIONS_CHANGED = "permissions_changed"
FIELD_RULES_CHANGED = "field_rules_changed"
ROLE_ASSIGNED = "role_assigned"
TEAMS_ASSIGNED = "teams_assigned"
TEAM_CREATED = "team_created"
TEAM_CHANGED = "team_changed"
TEAM_DELETED = "team_deleted"
TEAM_MEMBERS_CHANGED = "team_members_changed"

LABELS = {
    LOGIN: _l("Signed in"),
    LOGIN_FAILED: _l("Failed sign-in"),
    LOCKOUT: _l("Sign-in locked after repeated failures"),
    LOGOUT_EVERYWHERE: _l("Signed out everywhere"),
    PASSWORD_CHANGED: _l("Password changed"),
    PASSWORD_RESET: _l("Password reset"),
    INVITED: _l("Invitation sent"),
    LINK_USED: _l("Password chosen through a link"),
    USER_CREATED: _l("Account created"),
    DEACTIVATED: _l("Account deactivated"),
    REACTIVATED: _l("Account reactivated"),
    TWO_FACTOR_ENABLED: _l("Two-factor sign-in turned on"),
    TWO_FACTOR_DISABLED: _l("Two-factor sign-in turned off"),
    RECOVERY_CODES_RENEWED: _l("New recovery codes made"),
    RECOVERY_CODE_USED: _l("Recovery code used"),
    TOKEN_CREATED: _l("API token created"),
    TOKEN_REVOKED: _l("API token revoked"),
    ROLE_CREATED: _l("Role created"),
    ROLE_CHANGED: _l("Role renamed or moved"),
    ROLE_DELETED: _l("Role deleted"),
    PERMISSIONS_CHANGED: _l("Role permissions changed"),
    FIELD_RULES_CHANGED: _l("Role field rules changed"),
    ROLE_ASSIGNED: _l("Role changed"),
    TEAMS_ASSIGNED: _l("Teams changed"),
    TEAM_CREATED: _l("Team created"),
    TEAM_CHANGED: _l("Team renamed"),
    TEAM_DELETED: _l("Team deleted"),
    TEAM_MEMBERS_CHANGED: _l("Team members changed"),
}


class SecurityEvent(Base):
    """Who did what to which account, when, and from where."""

    __tablename__ = "core_security_event"
    __table_args__ = (Index("ix_core_security_event_user_id_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    # The account the event is about; empty for a failed sign-in with an unknown email.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    # Who acted, when not the account itself (an administrator).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def label(self) -> str:
        return str(LABELS.get(self.kind, self.kind))


def record(session: Session, kind: str, user: User | None = None, /, *, actor: User | None = None,
           **detail: Any) -> SecurityEvent:
    """Add an event in the caller's transaction, with the request's address and browser."""
    acting_for_someone = actor is not None and (user is None or actor.id != user.id)
    entry = SecurityEvent(kind=kind, user_id=user.id if user else None,
                          actor_id=actor.id if acting_for_someone and actor else None, detail=detail, at=utcnow())
    if has_request_context():
        entry.ip = (request.remote_addr or "")[:45] or None
        entry.user_agent = (request.user_agent.string or "")[:300] or None
    session.add(entry)
    return entry


def recent(session: Session, user: User, limit: int = 20) -> list[SecurityEvent]:
    query = (select(SecurityEvent).where(SecurityEvent.user_id == user.id)
             .order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc()).limit(limit))
    return list(session.scalars(query))


class AppendOnly(TratoError):
    """Security events are never changed or removed by the application."""


def _refuse(*_args: Any) -> None:
    raise AppendOnly("security events are append-only")


event.listen(SecurityEvent, "before_update", _refuse)
event.listen(SecurityEvent, "before_delete", _refuse)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: Any) -> None:
    """`update(SecurityEvent)` and `delete(SecurityEvent)` statements are refused too."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is SecurityEvent:
        _refuse()
