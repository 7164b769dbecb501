"""jobs across several workers: a periodic task runs once per tick, a dead worker's job is queued again

Revision ID: c025
Revises: c024
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c025"
down_revision = "c024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_periodic_claim",
        sa.Column("task", sa.String(120), primary_key=True),
        sa.Column("tick", sa.DateTime(timezone=True), primary_key=True),
    )
    with op.batch_alter_table("core_job") as batch:
        batch.add_column(sa.Column("task", sa.String(120), nullable=True))
        batch.add_column(sa.Column("arguments", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("core_job") as batch:
        batch.drop_column("attempts")
        batch.drop_column("arguments")
        batch.drop_column("task")
    op.drop_table("core_periodic_claim")
