"""companies (legal entities) with their settings, and exchange rates by date

Revision ID: c019
Revises: c017
Create Date: 2026-12-07

Every install has exactly one default company from the start, so that
documents, numbering series and the base currency always have one to belong
to. It is created here as "My company" with no currency or locale of its own,
which means the install's settings (`default_currency`, `default_locale`)
until an administrator gives it its own on Administration → Companies.
"""
from alembic import op
import sqlalchemy as sa

from trato.fields.sqltypes import ExactDecimal

revision = "c019"
down_revision = "c017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    company = op.create_table(
        "core_company",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("legal_name", sa.String(200), nullable=False),
        sa.Column("trade_name", sa.String(200), nullable=False),
        sa.Column("tax_id", sa.String(32), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("address_line1", sa.String(200), nullable=False),
        sa.Column("address_line2", sa.String(200), nullable=False),
        sa.Column("postal_code", sa.String(20), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("province", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(50), nullable=False),
        sa.Column("website", sa.String(200), nullable=False),
        sa.Column("logo", sa.String(300)),
        sa.Column("base_currency", sa.String(3)),
        sa.Column("fiscal_year_start_month", sa.SmallInteger(), nullable=False),
        sa.Column("locale", sa.String(16)),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12",
                           name="ck_core_company_fiscal_year_start_month"),
    )
    op.create_index("uq_core_company_is_default", "core_company", ["is_default"], unique=True,
                    sqlite_where=sa.text("is_default"), postgresql_where=sa.text("is_default"))
    blank = dict.fromkeys(("trade_name", "tax_id", "address_line1", "address_line2", "postal_code", "city",
                           "province", "email", "phone", "website"), "")
    op.bulk_insert(company, [{**blank, "legal_name": "My company", "country": "ES", "fiscal_year_start_month": 1,
                              "is_default": True}])
    op.create_table(
        "core_exchange_rate",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("from_currency", sa.String(3), nullable=False),
        sa.Column("to_currency", sa.String(3), nullable=False),
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("rate", ExactDecimal(10), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.UniqueConstraint("from_currency", "to_currency", "rate_date",
                            name="uq_core_exchange_rate_from_currency_to_currency_rate_date"),
        sa.CheckConstraint("rate > 0", name="ck_core_exchange_rate_rate_positive"),
    )


def downgrade() -> None:
    op.drop_table("core_exchange_rate")
    op.drop_index("uq_core_company_is_default", "core_company")
    op.drop_table("core_company")
