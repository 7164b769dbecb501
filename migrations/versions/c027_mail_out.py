"""mail out: an outbox, mail templates, sender identities

Revision ID: c027
Revises: c026
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

from trato.fields.sqltypes import UTCDateTime

revision = "c027"
down_revision = "c026"
branch_labels = None
depends_on = None


def _user(table: str, column: str, ondelete: str = "SET NULL") -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey("core_user.id", name=f"fk_{table}_{column}_core_user",
                                                         ondelete=ondelete))


def upgrade() -> None:
    op.create_table(
        "core_mail_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("reply_to", sa.String(320)),
        sa.Column("to_addrs", sa.JSON(), nullable=False),
        sa.Column("cc_addrs", sa.JSON(), nullable=False),
        sa.Column("bcc_addrs", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text()),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("entity", sa.String(64)),
        sa.Column("record_id", sa.Integer()),
        _user("core_mail_outbox", "created_by"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("claim_token", sa.String(32)),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("data_at", UTCDateTime()),
        sa.Column("sent_at", UTCDateTime()),
        sa.UniqueConstraint("message_id", name="uq_core_mail_outbox_message_id"),
    )
    op.create_index("ix_core_mail_outbox_state_next_attempt_at", "core_mail_outbox", ["state", "next_attempt_at"])
    op.create_index("ix_core_mail_outbox_entity_record_id", "core_mail_outbox", ["entity", "record_id"])
    op.create_table(
        "core_mail_out_link",
        sa.Column("outbox_id", sa.Integer(),
                  sa.ForeignKey("core_mail_outbox.id", name="fk_core_mail_out_link_outbox_id_core_mail_outbox",
                                ondelete="CASCADE"), primary_key=True),
        sa.Column("entity", sa.String(64), primary_key=True),
        sa.Column("record_id", sa.Integer(), primary_key=True),
    )
    op.create_index("ix_core_mail_out_link_entity_record_id", "core_mail_out_link", ["entity", "record_id"])
    op.create_table(
        "core_mail_template",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _user("core_mail_template", "updated_by"),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("entity", "language", "name", name="uq_core_mail_template_entity_language_name"),
    )
    op.create_table(
        "core_mail_profile",
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_mail_profile_user_id_core_user", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("sender_name", sa.String(200), nullable=False),
        sa.Column("sender_email", sa.String(254), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("notify", sa.JSON()),
    )


def downgrade() -> None:
    op.drop_table("core_mail_profile")
    op.drop_table("core_mail_template")
    op.drop_index("ix_core_mail_out_link_entity_record_id", table_name="core_mail_out_link")
    op.drop_table("core_mail_out_link")
    op.drop_index("ix_core_mail_outbox_entity_record_id", table_name="core_mail_outbox")
    op.drop_index("ix_core_mail_outbox_state_next_attempt_at", table_name="core_mail_outbox")
    op.drop_table("core_mail_outbox")
