"""invoicing: the quote's public links and answers; subscriptions, their lines and plan-change adjustments

Revision ID: i003
Revises: i002
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

from trato import line_columns, migration, record_columns

revision = "i003"
down_revision = "i002"
branch_labels = None
depends_on = None

SELECT = sa.String(64)


def _relation(name: str, table: str, required: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(f"{table}.id"), nullable=not required, index=True)


def _money(name: str) -> list[sa.Column]:
    return [sa.Column(name, migration.ExactDecimal(2)), sa.Column(f"{name}_currency", sa.String(3))]


def upgrade() -> None:
    op.create_table(
        "invoicing_quote_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("quote_id", sa.Integer(), sa.ForeignKey("invoicing_quote.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("nonce", sa.String(32), nullable=False),
        sa.Column("created_at", migration.UTCDateTime(), nullable=False),
        sa.Column("expires_at", migration.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", migration.UTCDateTime()),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("core_user.id", ondelete="SET NULL")),
    )
    op.create_table(
        "invoicing_quote_response",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("quote_id", sa.Integer(), sa.ForeignKey("invoicing_quote.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("link_id", sa.Integer(), sa.ForeignKey("invoicing_quote_link.id", ondelete="SET NULL"),
                  index=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("ip_address", sa.String(64)),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("responded_at", migration.UTCDateTime(), nullable=False),
    )
    op.create_table(
        "invoicing_subscription", *record_columns(),
        sa.Column("name", sa.String(200), nullable=False),
        _relation("account_id", "contacts_account", required=True),
        _relation("contact_id", "contacts_contact"),
        _relation("fiscal_position_id", "catalog_fiscal_position"),
        sa.Column("frequency", SELECT, nullable=False),
        sa.Column("interval", sa.BigInteger(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("next_date", sa.Date(), index=True),
        sa.Column("end_date", sa.Date()),
        sa.Column("mode", SELECT, nullable=False),
        sa.Column("status", SELECT, nullable=False, index=True),
        *_money("net_amount"),
    )
    op.create_table(
        "invoicing_subscription_line", *record_columns(), *line_columns("invoicing_subscription"),
        _relation("product_id", "catalog_product"),
        sa.Column("description", sa.String(500)),
        sa.Column("quantity", migration.ExactDecimal(3), nullable=False),
        sa.Column("unit", sa.String(20)),
        *_money("unit_price"),
        sa.Column("discount", migration.ExactDecimal(2)),
        _relation("tax_id", "catalog_tax"),
        _relation("surcharge_id", "catalog_tax"),
        _relation("withholding_id", "catalog_tax"),
        sa.Column("exemption", sa.String(300)),
        *_money("net"),
    )
    op.create_table(
        "invoicing_subscription_adjustment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subscription_id", sa.Integer(),
                  sa.ForeignKey("invoicing_subscription.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("amount", migration.ExactDecimal(2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("tax_id", sa.Integer(), sa.ForeignKey("catalog_tax.id", ondelete="SET NULL")),
        sa.Column("created_at", migration.UTCDateTime(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoicing_invoice.id", ondelete="SET NULL"),
                  index=True),
    )


def downgrade() -> None:
    for table in ("invoicing_subscription_adjustment", "invoicing_subscription_line", "invoicing_subscription",
                  "invoicing_quote_response", "invoicing_quote_link"):
        op.drop_table(table)
