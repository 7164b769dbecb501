"""REST API: idempotency keys of POST requests

Revision ID: c004
Revises: c003
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "c004"
down_revision = "c003"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "core_idempotency_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_idempotency_key_user_id_core_user", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer()),
        sa.Column("body", sa.Text()),
        sa.Column("headers", sa.JSON()),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.UniqueConstraint("user_id", "key", name="uq_core_idempotency_key_user_id_key"),
    )
    op.create_index("ix_core_idempotency_key_expires_at", "core_idempotency_key", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_core_idempotency_key_expires_at", "core_idempotency_key")
    op.drop_table("core_idempotency_key")
