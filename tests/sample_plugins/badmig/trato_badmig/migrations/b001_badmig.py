"""badmig: creates a table, then fails

Revision ID: b001
Revises:
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "b001"
down_revision = None
branch_labels = ("badmig",)
depends_on = "c001"


def upgrade() -> None:
    op.create_table("badmig_thing", sa.Column("id", sa.Integer(), primary_key=True))
    op.add_column("core_user", sa.Column("badmig_flag", sa.Integer()))
    op.execute("INSERT INTO no_such_table VALUES (1)")


def downgrade() -> None:
    op.drop_table("badmig_thing")
