"""record locks and links to a record of any entity

Revision ID: c024
Revises: c023
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c024"
down_revision = "c023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A custom entity's lock rule, set by an admin: {"field": "status", "values": ["signed"]} (records/locks.py).
    # Links to a record of any entity need no table: their two columns are the fields' own.
    op.add_column("core_entity", sa.Column("lock_rule", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("core_entity") as batch:
        batch.drop_column("lock_rule")
