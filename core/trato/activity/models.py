"""The tables behind what every record has beside its fields: notes, activities, attachments, tags, followers.

They point at a record by entity name and id (not a foreign key: custom
entities come and go at run time), so one set of tables serves every
entity. Notifications and calendar-feed tokens belong to users.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..fields.sqltypes import UTCDateTime
from ..models import utcnow

KINDS = ("task", "call", "meeting")


class Note(Base):
    """A note on a record; `body` is HTML already sanitised (trato.activity.notes.clean)."""

    __tablename__ = "core_note"
    __table_args__ = (Index("ix_core_note_entity_record_id", "entity", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Activity(Base):
    """A task, call or meeting about a record, due at a moment (UTC), assigned to a user.

    `remind_at` is `due_at` less the reminder's minutes, kept as a column so
    that the reminder job finds what is due with one indexed read;
    `reminded_at` is set by the one worker that claims the reminder.
    """

    __tablename__ = "core_activity"
    __table_args__ = (Index("ix_core_activity_entity_record_id", "entity", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # one of KINDS
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), index=True)
    reminder_minutes: Mapped[int | None] = mapped_column(Integer)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Attachment(Base):
    """A file attached to a record; its bytes live under `upload_dir` as `storage_key`."""

    __tablename__ = "core_attachment"
    __table_args__ = (Index("ix_core_attachment_entity_record_id", "entity", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Kept for good (an issued document's PDF): nobody deletes it; it goes only with its record, purged.
    kept: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Tag(Base):
    """One tag on one record."""

    __tablename__ = "core_tag"
    __table_args__ = (UniqueConstraint("entity", "record_id", "tag"), Index("ix_core_tag_entity_tag", "entity", "tag"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    tag: Mapped[str] = mapped_column(String(64))


class Follower(Base):
    """A user who hears about changes to a record."""

    __tablename__ = "core_follower"
    __table_args__ = (Index("ix_core_follower_entity_record_id", "entity", "record_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(Base):
    """An in-app message to a user, stored as facts and worded when shown, in the reader's language.

    `kind` is "change", "delete", "reminder" or "assignment"; `data` holds what the
    wording needs (the changed field names, the activity's id).
    """

    __tablename__ = "core_notification"
    __table_args__ = (Index("ix_core_notification_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    entity: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    data: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FeedToken(Base):
    """The hash of a user's secret calendar-feed token; the token itself is shown once and never stored."""

    __tablename__ = "core_feed_token"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
