"""trade: accounts and deals

Revision ID: t001
Revises:
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

from trato import record_columns
from trato.fields import ExactDecimal, json_value

revision = "t001"
down_revision = None
branch_labels = ("trade",)
depends_on = "c002"


def upgrade() -> None:
    op.create_table(
        "trade_account",
        *record_columns(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("city", sa.String(255), index=True),
        sa.Column("country", sa.String(64)),
        sa.Column("email", sa.String(254)),
        sa.Column("website", sa.String(2048)),
        sa.Column("phone", sa.String(40)),
        sa.Column("employees", sa.BigInteger()),
        sa.Column("revenue", ExactDecimal(2)),
        sa.Column("revenue_currency", sa.String(3)),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("trade_account.id"), index=True),
    )
    op.create_table(
        "trade_deal",
        *record_columns(),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("trade_account.id"), index=True),
        sa.Column("stage", sa.String(64), nullable=False, index=True),
        sa.Column("amount", ExactDecimal(2)),
        sa.Column("amount_currency", sa.String(3)),
        sa.Column("probability", ExactDecimal(2)),
        sa.Column("closes_on", sa.Date()),
        sa.Column("last_contact_at", sa.DateTime(timezone=True)),
        sa.Column("notes", sa.Text()),
        sa.Column("tags", json_value()),
        sa.Column("channels", json_value()),
        sa.Column("rating", sa.BigInteger()),
        sa.Column("contract", json_value()),
        sa.Column("assignee_id", sa.Integer(), sa.ForeignKey("core_user.id"), index=True),
    )


def downgrade() -> None:
    op.drop_table("trade_deal")
    op.drop_table("trade_account")
