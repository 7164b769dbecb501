"""Tables of mail in: the mailboxes polled (with their IMAP state), the messages taken in, and what they hang on."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..fields.sqltypes import UTCDateTime
from ..models import utcnow

# What happens to a message whose sender and recipients match no record and that no plugin claimed.
UNKNOWN_INBOX = "inbox"
UNKNOWN_LEAD = "lead"
SECURITY = ("ssl", "starttls", "none")


class Mailbox(Base):
    """An address mail arrives at: an IMAP mailbox the poller reads (host set), or a name the MTA pipe and the
    HTTP endpoint deliver to. `uidvalidity`/`last_uid` say how far the poller got; `last_error` why it stopped."""

    __tablename__ = "core_mailbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    host: Mapped[str] = mapped_column(String(255), default="")
    port: Mapped[int] = mapped_column(Integer, default=993)
    security: Mapped[str] = mapped_column(String(16), default="ssl")
    username: Mapped[str] = mapped_column(String(255), default="")
    # A secret like the others the core keeps (a second factor's seed): a column, never shown back in a form.
    password: Mapped[str] = mapped_column(String(255), default="")
    folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    unknown_senders: Mapped[str] = mapped_column(String(16), default=UNKNOWN_INBOX)
    lead_entity: Mapped[str] = mapped_column(String(64), default="")
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    last_uid: Mapped[int] = mapped_column(Integer, default=0)
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")


class ReceivedMail(Base):
    """One message taken in, once: `message_id` (without angle brackets) is unique.

    `status`: "logged" (on the records it matched), "claimed" (a plugin took it), "lead" (a lead was made
    for its sender), "inbox" (waits for an admin), "discarded", "loop" (our own mail come back). `notes`
    says what was wrong with it (an attachment refused, a broken part), one line each. The raw message is
    kept under `upload_dir` as `raw_key`.
    """

    __tablename__ = "core_mail_received"
    __table_args__ = (Index("ix_core_mail_received_status", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    in_reply_to: Mapped[str] = mapped_column(Text, default="")
    references: Mapped[str] = mapped_column(Text, default="")  # message ids, space separated
    sender: Mapped[str] = mapped_column(String(320), default="")
    sender_name: Mapped[str] = mapped_column(String(255), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")  # To and Cc addresses, space separated
    subject: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(16))  # imap, pipe, http
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("core_mailbox.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    claimed_by: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    raw_key: Mapped[str] = mapped_column(String(64), default="")


class MailLink(Base):
    """A received message logged on a record's timeline."""

    __tablename__ = "core_mail_link"
    __table_args__ = (UniqueConstraint("mail_id", "entity", "record_id"),
                      Index("ix_core_mail_link_entity_record_id", "entity", "record_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("core_mail_received.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
