"""What every record has beside its fields: notes, activities, attachments, tags, followers; notifications, feeds

Revision ID: c007
Revises: c006
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "c007"
down_revision = "c006"
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def _user(table: str, column: str, ondelete: str) -> sa.Column:
    return sa.Column(column, sa.Integer(),
                     sa.ForeignKey("core_user.id", name=f"fk_{table}_{column}_core_user", ondelete=ondelete))


def _on_record() -> list[sa.Column]:
    return [sa.Column("entity", sa.String(64), nullable=False), sa.Column("record_id", sa.Integer(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "core_note",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_on_record(),
        _user("core_note", "author_id", "SET NULL"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("edited_at", MOMENT),
    )
    op.create_index("ix_core_note_entity_record_id", "core_note", ["entity", "record_id"])
    op.create_table(
        "core_activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_on_record(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_at", MOMENT),
        _user("core_activity", "assignee_id", "SET NULL"),
        sa.Column("reminder_minutes", sa.Integer()),
        sa.Column("remind_at", MOMENT),
        sa.Column("reminded_at", MOMENT),
        sa.Column("done_at", MOMENT),
        _user("core_activity", "created_by", "SET NULL"),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
    )
    op.create_index("ix_core_activity_entity_record_id", "core_activity", ["entity", "record_id"])
    op.create_index("ix_core_activity_assignee_id", "core_activity", ["assignee_id"])
    op.create_index("ix_core_activity_remind_at", "core_activity", ["remind_at"])
    op.create_table(
        "core_attachment",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_on_record(),
        _user("core_attachment", "uploader_id", "SET NULL"),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(64), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.UniqueConstraint("storage_key", name="uq_core_attachment_storage_key"),
    )
    op.create_index("ix_core_attachment_entity_record_id", "core_attachment", ["entity", "record_id"])
    op.create_table(
        "core_tag",
        sa.Column("id", sa.Integer(), primary_key=True),
        *_on_record(),
        sa.Column("tag", sa.String(64), nullable=False),
        sa.UniqueConstraint("entity", "record_id", "tag", name="uq_core_tag_entity_record_id_tag"),
    )
    op.create_index("ix_core_tag_entity_tag", "core_tag", ["entity", "tag"])
    op.create_table(
        "core_follower",
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_follower_user_id_core_user", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("entity", sa.String(64), primary_key=True),
        sa.Column("record_id", sa.Integer(), primary_key=True),
        sa.Column("created_at", MOMENT, nullable=False),
    )
    op.create_index("ix_core_follower_entity_record_id", "core_follower", ["entity", "record_id"])
    op.create_table(
        "core_notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_notification_user_id_core_user", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _user("core_notification", "actor_id", "SET NULL"),
        *_on_record(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("read_at", MOMENT),
    )
    op.create_index("ix_core_notification_user_id_read_at", "core_notification", ["user_id", "read_at"])
    op.create_table(
        "core_feed_token",
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_feed_token_user_id_core_user", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_core_feed_token_token_hash"),
    )


def downgrade() -> None:
    op.drop_table("core_feed_token")
    op.drop_index("ix_core_notification_user_id_read_at", "core_notification")
    op.drop_table("core_notification")
    op.drop_index("ix_core_follower_entity_record_id", "core_follower")
    op.drop_table("core_follower")
    op.drop_index("ix_core_tag_entity_tag", "core_tag")
    op.drop_table("core_tag")
    op.drop_index("ix_core_attachment_entity_record_id", "core_attachment")
    op.drop_table("core_attachment")
    op.drop_index("ix_core_activity_remind_at", "core_activity")
    op.drop_index("ix_core_activity_assignee_id", "core_activity")
    op.drop_index("ix_core_activity_entity_record_id", "core_activity")
    op.drop_table("core_activity")
    op.drop_index("ix_core_note_entity_record_id", "core_note")
    op.drop_table("core_note")
