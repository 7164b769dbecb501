"""greet: greetings and ticks

Revision ID: g001
Revises:
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "g001"
down_revision = None
branch_labels = ("greet",)
depends_on = "c001"


def upgrade() -> None:
    op.create_table(
        "greet_greeting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "greet_tick",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("greet_tick")
    op.drop_table("greet_greeting")
