"""The tables of saved views (smart lists): a named page state per entity, each user's default one, and the
columns and widths each user keeps for a list."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .models import utcnow

KINDS = ("list", "kanban", "calendar")
# Who besides the owner sees a view: nobody, the users of a role, the members of a team, everyone.
SHARING = ("nobody", "role", "team", "everyone")


class SavedView(Base):
    """A list, kanban or calendar page as its URL query string (filters, sort, columns and the kind's settings)."""

    __tablename__ = "core_saved_view"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    shared: Mapped[str] = mapped_column(String(8), default="nobody")  # one of SHARING
    role_id: Mapped[int | None] = mapped_column(ForeignKey("core_role.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("core_team.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="list")  # one of KINDS
    query: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DefaultView(Base):
    """The view a user's bare list of an entity opens with."""

    __tablename__ = "core_saved_view_default"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    view_id: Mapped[int] = mapped_column(ForeignKey("core_saved_view.id", ondelete="CASCADE"))


class ListLayout(Base):
    """The columns a user chose for an entity's list and the widths they dragged them to, kept until they reset
    them: a bare list opens with them, where a saved view or a URL does not name its own columns."""

    __tablename__ = "core_list_layout"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    columns: Mapped[str] = mapped_column(Text, default="")  # field names, comma-separated; empty: the default ones
    widths: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # field name -> width in CSS pixels
