"""mail in: mailboxes and received messages threaded onto records

Revision ID: c028
Revises: c027
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

from trato.fields.sqltypes import UTCDateTime

revision = "c028"
down_revision = "c027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_mailbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", sa.String(16), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("password", sa.String(255), nullable=False),
        sa.Column("folder", sa.String(255), nullable=False),
        sa.Column("unknown_senders", sa.String(16), nullable=False),
        sa.Column("lead_entity", sa.String(64), nullable=False),
        sa.Column("uidvalidity", sa.Integer(), nullable=True),
        sa.Column("last_uid", sa.Integer(), nullable=False),
        sa.Column("polled_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_table(
        "core_mail_received",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(998), nullable=False, unique=True),
        sa.Column("in_reply_to", sa.Text(), nullable=False),
        sa.Column("references", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("sender_name", sa.String(255), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("mailbox_id", sa.Integer(), sa.ForeignKey("core_mailbox.id", ondelete="SET NULL"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw_key", sa.String(64), nullable=False),
    )
    op.create_index("ix_core_mail_received_status", "core_mail_received", ["status", "received_at"])
    op.create_table(
        "core_mail_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mail_id", sa.Integer(), sa.ForeignKey("core_mail_received.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("mail_id", "entity", "record_id"),
    )
    op.create_index("ix_core_mail_link_entity_record_id", "core_mail_link", ["entity", "record_id"])


def downgrade() -> None:
    op.drop_index("ix_core_mail_link_entity_record_id", table_name="core_mail_link")
    op.drop_table("core_mail_link")
    op.drop_index("ix_core_mail_received_status", table_name="core_mail_received")
    op.drop_table("core_mail_received")
    op.drop_table("core_mailbox")
