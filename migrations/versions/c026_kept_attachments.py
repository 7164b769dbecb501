"""an attachment may be kept for good (an issued document's PDF): nobody deletes it

Revision ID: c026
Revises: c025
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c026"
down_revision = "c025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_attachment") as batch:
        batch.add_column(sa.Column("kept", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("core_attachment") as batch:
        batch.drop_column("kept")
