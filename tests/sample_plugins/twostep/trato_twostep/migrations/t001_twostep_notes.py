"""twostep: a table of notes

Revision ID: t001
Revises:
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "t001"
down_revision = None
branch_labels = ("twostep",)
depends_on = "c001"


def upgrade() -> None:
    op.create_table("twostep_note", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("body", sa.String(200), nullable=False))


def downgrade() -> None:
    op.drop_table("twostep_note")
