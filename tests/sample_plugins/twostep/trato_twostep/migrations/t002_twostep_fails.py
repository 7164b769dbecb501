"""twostep: changes a table, its rows and a core table, then fails

Revision ID: t002
Revises: t001
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "t002"
down_revision = "t001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("twostep_note") as batch:
        batch.add_column(sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE twostep_note SET body = 'changed by t002'")
    op.add_column("core_user", sa.Column("twostep_flag", sa.Integer()))
    op.create_table("twostep_tag", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("INSERT INTO twostep_no_such_table VALUES (1)")  # the failure on purpose


def downgrade() -> None:
    op.drop_table("twostep_tag")
    op.drop_column("core_user", "twostep_flag")
    with op.batch_alter_table("twostep_note") as batch:
        batch.drop_column("pinned")
