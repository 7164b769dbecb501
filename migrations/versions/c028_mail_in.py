"""mail in: mailboxes and received messages threaded onto records

Revision ID: c028
Revises: c027
Create Date: 2026-12-07
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "c028"
down_revision = "c027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
