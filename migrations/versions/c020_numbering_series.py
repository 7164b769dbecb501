"""numbering series: gapless correlative numbers per series and period

Revision ID: c020
Revises: c019
Create Date: 2026-12-07

A series (core_series) has a code unique per company (one install-wide
series per code, with no company, is kept by a partial unique index, since
UNIQUE lets NULLs repeat). It counts per period in core_series_counter: the
fiscal year for a series that restarts every year, else period 0 for its
whole life (trato.numbering).
"""
from alembic import op
import sqlalchemy as sa

from trato.fields.sqltypes import UTCDateTime

revision = "c020"
down_revision = "c019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_series",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("pattern", sa.String(100), nullable=False),
        sa.Column("reset_yearly", sa.Boolean(), nullable=False),
        sa.Column("company_id", sa.Integer(), sa.ForeignKey(
            "core_company.id", name="fk_core_series_company_id_core_company", ondelete="RESTRICT")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("code", "company_id", name="uq_core_series_code_company_id"),
    )
    op.create_index("ix_core_series_code_install", "core_series", ["code"], unique=True,
                    sqlite_where=sa.text("company_id IS NULL"), postgresql_where=sa.text("company_id IS NULL"))
    op.create_table(
        "core_series_counter",
        sa.Column("series_id", sa.Integer(), sa.ForeignKey("core_series.id",
                                                           name="fk_core_series_counter_series_id_core_series",
                                                           ondelete="CASCADE"), primary_key=True),
        sa.Column("period", sa.Integer(), primary_key=True),
        sa.Column("next_number", sa.Integer(), nullable=False),
        sa.Column("last_issued", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_series_counter")
    op.drop_index("ix_core_series_code_install", table_name="core_series")
    op.drop_table("core_series")
