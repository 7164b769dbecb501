"""The tables of mail out: the outbox, the records a message is logged on, mail templates, senders' profiles.

Like notes and attachments they point at records by entity name and id
(custom entities come and go at run time). The mail-in side finds the
record a reply belongs to by the outbox's `message_id`, `entity` and
`record_id`: those three names are a contract.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..fields.sqltypes import UTCDateTime
from ..models import utcnow

QUEUED, SENDING, SENT, FAILED, CANCELLED, UNKNOWN = "queued", "sending", "sent", "failed", "cancelled", "unknown"
STATES = (QUEUED, SENDING, SENT, FAILED, CANCELLED, UNKNOWN)


class OutboxMessage(Base):
    """One message to send, and where its sending got to.

    `state` moves queued -> sending -> sent (or back to queued with a later
    `next_attempt_at` after a passing refusal, or to failed). `claim_token`
    names the one worker that may finish a sending message; `data_at` is
    committed just before the message's content goes to the server, so that a
    message whose worker died after it is never sent again blindly (it
    becomes `unknown`, for an admin to decide). `attachments` are ids of
    core_attachment rows (the record's files), read when the message is sent.
    """

    __tablename__ = "core_mail_outbox"
    __table_args__ = (Index("ix_core_mail_outbox_state_next_attempt_at", "state", "next_attempt_at"),
                      Index("ix_core_mail_outbox_entity_record_id", "entity", "record_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), default="message")  # message, record, reset, notification
    sender: Mapped[str] = mapped_column(String(320))  # the From header
    reply_to: Mapped[str | None] = mapped_column(String(320))
    to_addrs: Mapped[Any] = mapped_column(JSON, nullable=False)  # lists of addresses
    cc_addrs: Mapped[Any] = mapped_column(JSON, nullable=False)
    bcc_addrs: Mapped[Any] = mapped_column(JSON, nullable=False)
    subject: Mapped[str] = mapped_column(String(500))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[Any] = mapped_column(JSON, nullable=False)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(255), unique=True)  # RFC 5322 Message-ID, without < >
    entity: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    data_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutLink(Base):
    """A record whose timeline shows a message: the one it was sent from and the related contacts it went to."""

    __tablename__ = "core_mail_out_link"
    __table_args__ = (Index("ix_core_mail_out_link_entity_record_id", "entity", "record_id"),)

    outbox_id: Mapped[int] = mapped_column(ForeignKey("core_mail_outbox.id", ondelete="CASCADE"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class MailTemplate(Base):
    """An admin's mail template for one entity in one language: subject and body, sandboxed Jinja."""

    __tablename__ = "core_mail_template"
    __table_args__ = (UniqueConstraint("entity", "language", "name",
                                       name="uq_core_mail_template_entity_language_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailProfile(Base):
    """A user's sender identity, signature, and which notifications also come by email (`notify`: kinds)."""

    __tablename__ = "core_mail_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    sender_email: Mapped[str] = mapped_column(String(254), default="")
    signature: Mapped[str] = mapped_column(Text, default="")
    notify: Mapped[Any] = mapped_column(JSON, nullable=True)
