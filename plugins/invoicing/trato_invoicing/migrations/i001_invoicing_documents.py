"""invoicing: payment terms, quotes, sales orders, invoices (with their lines) and the invoices' tax rows

Revision ID: i001
Revises:
Create Date: 2026-12-07

The root of the plugin's branch, labelled "invoicing"; built on the core revision with list layouts, and on
the contacts and catalog branches whose tables the documents point at.
"""
from alembic import op
import sqlalchemy as sa

from trato import line_columns, migration, record_columns

revision = "i001"
down_revision = None
branch_labels = ("invoicing",)
depends_on = ("c029", "k004", "p001")

SELECT = sa.String(64)
PERCENT = migration.ExactDecimal(2)


def _ref(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id")


def _relation(name: str, table: str, required: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), _ref(table), nullable=not required, index=True)


def _link(name: str) -> list[sa.Column]:
    return [sa.Column(name, sa.Integer()), sa.Column(f"{name}_entity", sa.String(64))]


def _money(name: str) -> list[sa.Column]:
    return [sa.Column(name, migration.ExactDecimal(2)), sa.Column(f"{name}_currency", sa.String(3))]


def _line(parent: str, *extra: sa.Column) -> list[sa.Column]:
    return [*record_columns(), *line_columns(parent),
            _relation("product_id", "catalog_product"),
            sa.Column("description", sa.String(500)),
            sa.Column("quantity", migration.ExactDecimal(3), nullable=False),
            sa.Column("unit", sa.String(20)),
            *_money("unit_price"),
            sa.Column("discount", PERCENT),
            _relation("tax_id", "catalog_tax"),
            _relation("surcharge_id", "catalog_tax"),
            _relation("withholding_id", "catalog_tax"),
            sa.Column("exemption", sa.String(300)),
            *_money("net"),
            *extra]


def _totals() -> list[sa.Column]:
    return [*_money("net_amount"), *_money("tax_amount"), *_money("surcharge_amount"),
            *_money("withholding_amount"), *_money("total")]


def _party() -> list[sa.Column]:
    return [sa.Column("company_id", sa.Integer()),
            _relation("account_id", "contacts_account", required=True),
            _relation("contact_id", "contacts_contact"),
            *_link("deal")]


def upgrade() -> None:
    op.create_table(
        "invoicing_payment_term", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("instalments", sa.String(200)),
        sa.Column("active", sa.Boolean(), nullable=False, index=True),
    )
    op.create_table(
        "invoicing_quote", *record_columns(),
        sa.Column("number", sa.String(60)),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        _relation("revision_of_id", "invoicing_quote"),
        *_party(),
        sa.Column("issue_date", sa.Date(), index=True),
        sa.Column("valid_until", sa.Date(), index=True),
        sa.Column("status", SELECT, nullable=False, index=True),
        _relation("fiscal_position_id", "catalog_fiscal_position"),
        sa.Column("currency", sa.String(3)),
        sa.Column("global_discount", PERCENT),
        sa.Column("terms", sa.Text()),
        *_totals(),
    )
    op.create_table("invoicing_quote_line", *_line("invoicing_quote"))
    op.create_table(
        "invoicing_order", *record_columns(),
        sa.Column("number", sa.String(60)),
        _relation("quote_id", "invoicing_quote"),
        *_party(),
        sa.Column("order_date", sa.Date(), index=True),
        sa.Column("status", SELECT, nullable=False, index=True),
        _relation("fiscal_position_id", "catalog_fiscal_position"),
        sa.Column("currency", sa.String(3)),
        sa.Column("global_discount", PERCENT),
        *_money("invoiced_amount"),
        *_totals(),
    )
    op.create_table("invoicing_order_line", *_line("invoicing_order",
                                                   sa.Column("invoiced_quantity", migration.ExactDecimal(3))))
    op.create_table(
        "invoicing_invoice", *record_columns(),
        sa.Column("kind", SELECT, nullable=False, index=True),
        sa.Column("number", sa.String(60), index=True),
        sa.Column("status", SELECT, nullable=False, index=True),
        sa.Column("issue_date", sa.Date(), index=True),
        sa.Column("operation_date", sa.Date()),
        *_party(),
        sa.Column("customer_name", sa.String(200)),
        sa.Column("customer_tax_id", sa.String(40)),
        sa.Column("customer_address", sa.Text()),
        _relation("fiscal_position_id", "catalog_fiscal_position"),
        sa.Column("currency", sa.String(3)),
        sa.Column("global_discount", PERCENT),
        _relation("order_id", "invoicing_order"),
        _relation("quote_id", "invoicing_quote"),
        sa.Column("advance", sa.Boolean(), nullable=False),
        _relation("rectifies_id", "invoicing_invoice"),
        sa.Column("rectification_reason", SELECT),
        sa.Column("rectification_method", SELECT),
        _relation("payment_term_id", "invoicing_payment_term"),
        sa.Column("due_date", sa.Date(), index=True),
        sa.Column("exchange_rate", migration.ExactDecimal(6)),
        *_money("paid"),
        *_money("balance"),
        sa.Column("payment_status", SELECT, index=True),
        sa.Column("subscription_id", sa.BigInteger()),
        sa.Column("period_start", sa.Date()),
        sa.Column("period_end", sa.Date()),
        *_totals(),
        sa.Index("ix_invoicing_invoice_subscription_period", "subscription_id", "period_start", unique=True),
    )
    op.create_table("invoicing_invoice_line", *_line("invoicing_invoice",
                                                     _relation("order_line_id", "invoicing_order_line")))
    op.create_table(
        "invoicing_invoice_tax",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoicing_invoice.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        _relation("tax_id", "catalog_tax"),
        sa.Column("code", sa.String(40)),
        sa.Column("rate", migration.ExactDecimal(4), nullable=False),
        sa.Column("base", migration.ExactDecimal(4), nullable=False),
        sa.Column("amount", migration.ExactDecimal(4), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("exemption", sa.Text()),
    )


def downgrade() -> None:
    for table in ("invoicing_invoice_tax", "invoicing_invoice_line", "invoicing_invoice", "invoicing_order_line",
                  "invoicing_order", "invoicing_quote_line", "invoicing_quote", "invoicing_payment_term"):
        op.drop_table(table)
