"""records shared one at a time with a user or a team

Revision ID: c016
Revises: c015
Create Date: 2026-11-23

A share adds one record to what a user (or every member of a team) sees,
and with `edit` access to what they may change. The unique keys on
(entity, user or team, record) serve the access scope's EXISTS lookups;
(entity, record) serves a record's own list of shares.
"""
from alembic import op
import sqlalchemy as sa

from trato.fields.sqltypes import UTCDateTime

revision = "c016"
down_revision = "c015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_record_share",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("core_user.id", name="fk_core_record_share_user_id_core_user",
                                                         ondelete="CASCADE")),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("core_team.id", name="fk_core_record_share_team_id_core_team",
                                                         ondelete="CASCADE")),
        sa.Column("access", sa.String(8), nullable=False),
        sa.Column("shared_by", sa.Integer(), sa.ForeignKey("core_user.id",
                                                           name="fk_core_record_share_shared_by_core_user",
                                                           ondelete="SET NULL")),
        sa.Column("shared_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("entity", "user_id", "record_id", name="uq_core_record_share_entity_user_id_record_id"),
        sa.UniqueConstraint("entity", "team_id", "record_id", name="uq_core_record_share_entity_team_id_record_id"),
        sa.CheckConstraint("(user_id IS NULL) <> (team_id IS NULL)", name="ck_core_record_share_one_grantee"),
    )
    op.create_index("ix_core_record_share_entity_record_id", "core_record_share", ["entity", "record_id"])


def downgrade() -> None:
    op.drop_index("ix_core_record_share_entity_record_id", "core_record_share")
    op.drop_table("core_record_share")
