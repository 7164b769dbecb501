"""contacts: a description on accounts and contacts (what a lead's description becomes when it is converted)

Revision ID: k004
Revises: k003
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "k004"
down_revision = "k003"
branch_labels = None
depends_on = None

TABLES = ("contacts_account", "contacts_contact")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("description", sa.Text()))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("description")
