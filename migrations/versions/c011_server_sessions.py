"""sign-in sessions kept by the server, so that signing out, deactivation and password changes end them

Revision ID: c011
Revises: c010
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c011"
down_revision = "c010"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "core_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_session_user_id_core_user", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("ip", sa.String(45), nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
    )
    op.create_index("ix_core_session_user_id", "core_session", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_core_session_user_id", table_name="core_session")
    op.drop_table("core_session")
