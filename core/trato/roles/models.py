"""Roles, their permissions per entity and per field, and teams.

A role says, per entity, which actions its users may take and on which
records: the scope of what they see (`scope`, which export follows too),
and the equal or narrower scopes of what they may change (`edit_scope`)
and delete or restore (`delete_scope`), so that a role can "see all, edit
own". The `*` row is the role's rule for every entity that has no row of
its own, so that a custom entity made a minute ago is usable at once under
each role's default. Roles form a tree through `parent_id` ("reports to"):
a manager's scope `team` covers the records of the users whose roles sit
below theirs. Teams group users across the tree and can own records
(`team_id` on every record). A record can also be shared, one at a time,
with a user or a team (`RecordShare`), to see or to change beyond the
role's scopes.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..fields.sqltypes import UTCDateTime

ANY_ENTITY = "*"
# What a role may do with an entity's records, in the order the matrix shows them.
ROLE_ACTIONS = ("view", "create", "edit", "delete", "import", "export")
# Which records: the user's own; also those of subordinates and of the user's teams; all. Narrowest first:
# each covers the one before it.
SCOPES = ("own", "team", "all")
# The scope column each action is limited by (the others, export and import's matches included, by `scope`).
SCOPE_COLUMNS = {"edit": "edit_scope", "delete": "delete_scope", "restore": "delete_scope"}
FIELD_RULES = ("hidden", "readonly")
# What a share lets its user or team do with the record: see it, or also change it (never delete it).
SHARE_ACCESS = ("view", "edit")


def wider(scope: str, than: str) -> bool:
    """Whether `scope` covers records that `than` does not."""
    return SCOPES.index(scope) > SCOPES.index(than)


def _same_as_scope(context: Any) -> str:
    """A new row's edit or delete scope when none is given: its view scope (a row from before both existed)."""
    return str(context.get_current_parameters().get("scope") or "own")


class Role(Base):
    __tablename__ = "core_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A slug; the built-in roles' names are fixed and their labels translated.
    name: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[Any] = mapped_column(JSON)  # {"en": ..., "es": ...}
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("core_role.id"))
    # The administrator role: every action on every record, and the admin screens.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class RolePermission(Base):
    """One row of a role's matrix: the actions and scope on one entity (or `*`)."""

    __tablename__ = "core_role_permission"

    role_id: Mapped[int] = mapped_column(ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    can_view: Mapped[bool] = mapped_column(Boolean, default=False)
    can_create: Mapped[bool] = mapped_column(Boolean, default=False)
    can_edit: Mapped[bool] = mapped_column(Boolean, default=False)
    can_delete: Mapped[bool] = mapped_column(Boolean, default=False)
    can_import: Mapped[bool] = mapped_column(Boolean, default=False)
    can_export: Mapped[bool] = mapped_column(Boolean, default=False)
    scope: Mapped[str] = mapped_column(String(8), default="own")  # one of SCOPES: what the users see
    # What they may change, and delete or restore: never wider than `scope`. Left out, they are `scope`.
    edit_scope: Mapped[str] = mapped_column(String(8), default=_same_as_scope)
    delete_scope: Mapped[str] = mapped_column(String(8), default=_same_as_scope)

    def allows(self, action: str) -> bool:
        return bool(getattr(self, f"can_{action}"))

    def scope_of(self, action: str) -> str:
        """The scope that limits `action` (edit, delete and restore have their own; the rest follow `scope`)."""
        return str(getattr(self, SCOPE_COLUMNS.get(action, "scope")))


class RoleFieldRule(Base):
    """A field a role's users may not see (`hidden`) or may not change (`readonly`)."""

    __tablename__ = "core_role_field"

    role_id: Mapped[int] = mapped_column(ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(8))  # one of FIELD_RULES


class Team(Base):
    __tablename__ = "core_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class TeamMember(Base):
    __tablename__ = "core_team_member"

    team_id: Mapped[int] = mapped_column(ForeignKey("core_team.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class RecordShare(Base):
    """One record shared with one user or one team: to see it (`view`) or also change it (`edit`).

    A share adds the record to what the role's scopes give; it does not add
    actions (a role that may not change the entity's records changes none).
    The unique keys (entity, user or team, record) also serve the scope's
    EXISTS lookups; (entity, record) serves the record's own list of shares.
    """

    __tablename__ = "core_record_share"
    __table_args__ = (
        UniqueConstraint("entity", "user_id", "record_id"),
        UniqueConstraint("entity", "team_id", "record_id"),
        Index("ix_core_record_share_entity_record_id", "entity", "record_id"),
        CheckConstraint("(user_id IS NULL) <> (team_id IS NULL)", name="one_grantee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("core_team.id", ondelete="CASCADE"))
    access: Mapped[str] = mapped_column(String(8))  # one of SHARE_ACCESS
    shared_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime())
