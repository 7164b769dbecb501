"""the filters that ran slow and the indexes made for them (trato.filter_indexes)

Revision ID: c030
Revises: c029
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

from trato.fields.sqltypes import UTCDateTime

revision = "c030"
down_revision = "c029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_slow_filter",
        sa.Column("entity", sa.String(64), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("operator", sa.String(16), primary_key=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("slowest_ms", sa.Integer(), nullable=False),
        sa.Column("last_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "core_filter_index",
        sa.Column("entity", sa.String(64), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_filter_index")
    op.drop_table("core_slow_filter")
