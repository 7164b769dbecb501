"""business calendars: working hours, time zone and holidays

Revision ID: c021
Revises: c020
Create Date: 2026-12-07

A calendar's week is a JSON list of seven lists of minute intervals; a
season replaces the week for the same dates every year (summer hours);
holidays are one row per calendar and date.
"""
from alembic import op
import sqlalchemy as sa

revision = "c021"
down_revision = "c020"
branch_labels = None
depends_on = None


def _calendar_id(table: str) -> sa.Column:
    key = sa.ForeignKey("core_calendar.id", name=f"fk_{table}_calendar_id_core_calendar", ondelete="CASCADE")
    return sa.Column("calendar_id", sa.Integer(), key, nullable=False)


def upgrade() -> None:
    op.create_table(
        "core_calendar",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("week", sa.JSON(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("name", name="uq_core_calendar_name"),
    )
    op.create_table(
        "core_calendar_season",
        sa.Column("id", sa.Integer(), primary_key=True),
        _calendar_id("core_calendar_season"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("end", sa.String(5), nullable=False),
        sa.Column("week", sa.JSON(), nullable=False),
    )
    op.create_index("ix_core_calendar_season_calendar_id", "core_calendar_season", ["calendar_id"])
    op.create_table(
        "core_calendar_holiday",
        sa.Column("id", sa.Integer(), primary_key=True),
        _calendar_id("core_calendar_holiday"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.UniqueConstraint("calendar_id", "day", name="uq_core_calendar_holiday_calendar_id_day"),
    )
    op.create_index("ix_core_calendar_holiday_calendar_id", "core_calendar_holiday", ["calendar_id"])


def downgrade() -> None:
    op.drop_index("ix_core_calendar_holiday_calendar_id", "core_calendar_holiday")
    op.drop_table("core_calendar_holiday")
    op.drop_index("ix_core_calendar_season_calendar_id", "core_calendar_season")
    op.drop_table("core_calendar_season")
    op.drop_table("core_calendar")
