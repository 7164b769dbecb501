"""ledger: products, orders and order lines

Revision ID: l001
Revises:
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

from trato import line_columns, record_columns
from trato.fields import ExactDecimal

revision = "l001"
down_revision = None
branch_labels = ("ledger",)
depends_on = "c023"


def upgrade() -> None:
    op.create_table("ledger_product", *record_columns(), sa.Column("name", sa.String(255), nullable=False))
    op.create_table(
        "ledger_order",
        *record_columns(),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("total", ExactDecimal(2)),
        sa.Column("total_currency", sa.String(3)),
    )
    op.create_table(
        "ledger_order_line",
        *record_columns(),
        *line_columns("ledger_order"),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("ledger_product.id"), index=True),
        sa.Column("description", sa.String(255)),
        sa.Column("quantity", ExactDecimal(3), nullable=False),
        sa.Column("unit_price", ExactDecimal(2)),
        sa.Column("unit_price_currency", sa.String(3)),
        sa.Column("discount", ExactDecimal(2)),
        sa.Column("total", ExactDecimal(2)),
        sa.Column("total_currency", sa.String(3)),
    )


def downgrade() -> None:
    op.drop_table("ledger_order_line")
    op.drop_table("ledger_order")
    op.drop_table("ledger_product")
