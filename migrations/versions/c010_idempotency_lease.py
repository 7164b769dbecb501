"""REST API: an idempotency key's claim token and lease, so that a failed request's key is never stuck

Revision ID: c010
Revises: c009
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c010"
down_revision = "c009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_idempotency_key") as batch:
        batch.add_column(sa.Column("claim", sa.String(32)))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("core_idempotency_key") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("claim")
