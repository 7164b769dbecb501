"""throttling counters shared by every worker (sign-in failures, API calls, failed API tokens) replace the
rows of failed sign-ins

Revision ID: c015
Revises: c014
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c015"
down_revision = "c014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_throttle",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("window_end", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.BigInteger(), nullable=False),
    )
    op.drop_index("ix_core_login_attempt_ip_at", table_name="core_login_attempt")
    op.drop_index("ix_core_login_attempt_email_at", table_name="core_login_attempt")
    op.drop_index("ix_core_login_attempt_at", table_name="core_login_attempt")
    op.drop_table("core_login_attempt")


def downgrade() -> None:
    op.create_table(
        "core_login_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("ip", sa.String(45), nullable=False),
    )
    op.create_index("ix_core_login_attempt_at", "core_login_attempt", ["at"])
    op.create_index("ix_core_login_attempt_email_at", "core_login_attempt", ["email", "at"])
    op.create_index("ix_core_login_attempt_ip_at", "core_login_attempt", ["ip", "at"])
    op.drop_table("core_throttle")
