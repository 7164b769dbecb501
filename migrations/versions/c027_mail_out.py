"""mail out: an outbox, mail templates, sender identities

Revision ID: c027
Revises: c026
Create Date: 2026-12-07
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "c027"
down_revision = "c026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
