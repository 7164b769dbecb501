"""a custom entity's records can be named by a pattern of its fields ("{plate} — {model}")

Revision ID: c017
Revises: c018
Create Date: 2026-12-07

Numbered c017 as assigned, written after c018, so it follows it.
"""
from alembic import op
import sqlalchemy as sa

revision = "c017"
down_revision = "c018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_entity") as batch:
        batch.add_column(sa.Column("title_pattern", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("core_entity") as batch:
        batch.drop_column("title_pattern")
