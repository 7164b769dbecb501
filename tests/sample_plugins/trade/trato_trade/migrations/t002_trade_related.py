"""trade: a deal's related record, of any entity (a record_link field: id and entity name)

Revision ID: t002
Revises: t001
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "t002"
down_revision = "t001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("trade_deal", sa.Column("related", sa.Integer()))
    op.add_column("trade_deal", sa.Column("related_entity", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("trade_deal") as batch:
        batch.drop_column("related_entity")
        batch.drop_column("related")
