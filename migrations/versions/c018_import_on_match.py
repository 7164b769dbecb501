"""an import says what a row that looks like an existing record does (create, skip, update) and counts the skipped

Revision ID: c018
Revises: c016
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c018"
down_revision = "c016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_import") as batch:
        batch.add_column(sa.Column("on_match", sa.String(8), nullable=False, server_default="create"))
        batch.add_column(sa.Column("skipped", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("core_import") as batch:
        batch.drop_column("skipped")
        batch.drop_column("on_match")
