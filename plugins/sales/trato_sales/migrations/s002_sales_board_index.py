"""sales: an index for the board's columns (one stage's deals by close date)

Revision ID: s002
Revises: s001
Create Date: 2026-11-23
"""
from alembic import op

revision = "s002"
down_revision = "s001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sales_deal_board", "sales_deal", ["stage_id", "close_date", "id"])


def downgrade() -> None:
    op.drop_index("ix_sales_deal_board", table_name="sales_deal")
