"""lines: entities with a parent (custom entities may have line children)

Revision ID: c023
Revises: c022
Create Date: 2026-12-07

A custom entity whose records are lines of another names it in
`core_entity.parent`; its table gets `parent_id` and `position` when an
admin makes it (a built-in child's plugin migration adds them itself).
"""
from alembic import op
import sqlalchemy as sa

revision = "c023"
down_revision = "c022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_entity") as batch:
        batch.add_column(sa.Column("parent", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("core_entity") as batch:
        batch.drop_column("parent")
