"""jobs write a heartbeat (a killed job is seen as interrupted); an import keeps how its file is to be read

Revision ID: c014
Revises: c013
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c014"
down_revision = "c013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_job") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("core_import") as batch:
        batch.add_column(sa.Column("encoding", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("core_import") as batch:
        batch.drop_column("encoding")
    with op.batch_alter_table("core_job") as batch:
        batch.drop_column("heartbeat_at")
