"""Roles, their permissions per entity and per field, and teams.

A role says, per entity, which actions its users may take and on which
records (the scope); the `*` row is the role's rule for every entity that
has no row of its own, so that a custom entity made a minute ago is usable
at once under each role's default. Roles form a tree through `parent_id`
("reports to"): a manager's scope `team` covers the records of the users
whose roles sit below theirs. Teams group users across the tree and can own
records (`team_id` on every record).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

ANY_ENTITY = "*"
# What a role may do with an entity's records, in the order the matrix shows them.
ROLE_ACTIONS = ("view", "create", "edit", "delete", "import", "export")
# Which records: the user's own; also those of subordinates and of the user's teams; all.
SCOPES = ("own", "team", "all")
FIELD_RULES = ("hidden", "readonly")


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
    scope: Mapped[str] = mapped_column(String(8), default="own")  # one of SCOPES

    def allows(self, action: str) -> bool:
        return bool(getattr(self, f"can_{action}"))


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
