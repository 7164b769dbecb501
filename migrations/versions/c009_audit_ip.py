"""record audit rows say where a change came from

Revision ID: c009
Revises: c008
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "c009"
down_revision = "c008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_audit") as batch:
        batch.add_column(sa.Column("ip", sa.String(45)))


def downgrade() -> None:
    with op.batch_alter_table("core_audit") as batch:
        batch.drop_column("ip")
