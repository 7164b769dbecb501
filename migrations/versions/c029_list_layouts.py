"""the columns and widths each user keeps for an entity's list

Revision ID: c029
Revises: c028
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c029"
down_revision = "c028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_list_layout",
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_list_layout_user_id_core_user", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("entity", sa.String(64), primary_key=True),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("widths", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_list_layout")
