"""catalog: categories, taxes and their rates, tax categories, fiscal positions and their rules, products and
their bundle components, customer groups, customer terms, price lists and their rules

Revision ID: p001
Revises:
Create Date: 2026-12-07

The root of the plugin's branch, labelled "catalog"; built on the core revision that brought record links.
"""
from alembic import op
import sqlalchemy as sa

from trato import line_columns, migration, record_columns

revision = "p001"
down_revision = None
branch_labels = ("catalog",)
depends_on = "c024"

SELECT = sa.String(64)
PERCENT = migration.ExactDecimal(2)


def _ref(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id")


def _link(name: str, required: bool = False) -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=not required), sa.Column(f"{name}_entity", sa.String(64))]


def _money(name: str) -> list[sa.Column]:
    return [sa.Column(name, migration.ExactDecimal(2)), sa.Column(f"{name}_currency", sa.String(3))]


def upgrade() -> None:
    op.create_table(
        "catalog_category", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("parent_id", sa.Integer(), _ref("catalog_category"), index=True),
        sa.Column("description", sa.Text()),
    )
    op.create_table(
        "catalog_tax_category", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", SELECT, nullable=False, index=True),
        sa.Column("legal_reason", sa.Text()),
        sa.UniqueConstraint("name", name="uq_catalog_tax_category_name"),
    )
    op.create_table(
        "catalog_tax", *record_columns(),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", SELECT, nullable=False, index=True),
        sa.UniqueConstraint("code", name="uq_catalog_tax_code"),
    )
    op.create_table(
        "catalog_tax_rate", *record_columns(), *line_columns("catalog_tax"),
        sa.Column("rate", PERCENT, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
    )
    op.create_table(
        "catalog_fiscal_position", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("regime", SELECT, nullable=False, index=True),
        sa.Column("reverse_charge", sa.Boolean(), nullable=False),
        sa.Column("withholding", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.UniqueConstraint("name", name="uq_catalog_fiscal_position_name"),
    )
    op.create_table(
        "catalog_fiscal_rule", *record_columns(), *line_columns("catalog_fiscal_position"),
        sa.Column("tax_category_id", sa.Integer(), _ref("catalog_tax_category"), nullable=False, index=True),
        sa.Column("vat_tax_id", sa.Integer(), _ref("catalog_tax"), index=True),
        sa.Column("surcharge_tax_id", sa.Integer(), _ref("catalog_tax"), index=True),
    )
    op.create_table(
        "catalog_product", *record_columns(),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200)),
        sa.Column("name_es", sa.String(200)),
        sa.Column("kind", SELECT, nullable=False, index=True),
        sa.Column("description", sa.Text()),
        sa.Column("category_id", sa.Integer(), _ref("catalog_category"), index=True),
        sa.Column("unit", SELECT, nullable=False),
        *_money("list_price"),
        *_money("cost"),
        sa.Column("tax_category_id", sa.Integer(), _ref("catalog_tax_category"), index=True),
        sa.Column("withholding_tax_id", sa.Integer(), _ref("catalog_tax"), index=True),
        sa.Column("bundle_pricing", SELECT),
        sa.Column("active", sa.Boolean(), nullable=False, index=True),
        sa.UniqueConstraint("code", name="uq_catalog_product_code"),
    )
    op.create_table(
        "catalog_bundle_item", *record_columns(), *line_columns("catalog_product"),
        sa.Column("component_id", sa.Integer(), _ref("catalog_product"), nullable=False, index=True),
        sa.Column("quantity", migration.ExactDecimal(3), nullable=False),
    )
    op.create_table(
        "catalog_customer_group", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text()),
        sa.UniqueConstraint("name", name="uq_catalog_customer_group_name"),
    )
    op.create_table(
        "catalog_customer_terms", *record_columns(),
        *_link("customer", required=True),
        sa.Column("group_id", sa.Integer(), _ref("catalog_customer_group"), index=True),
        sa.Column("fiscal_position_id", sa.Integer(), _ref("catalog_fiscal_position"), index=True),
        sa.Column("vat_number", sa.String(30)),
    )
    op.create_table(
        "catalog_price_list", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        *_link("customer"),
        sa.Column("group_id", sa.Integer(), _ref("catalog_customer_group"), index=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_to", sa.Date()),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "catalog_price_rule", *record_columns(), *line_columns("catalog_price_list"),
        sa.Column("product_id", sa.Integer(), _ref("catalog_product"), nullable=False, index=True),
        sa.Column("min_quantity", migration.ExactDecimal(3), nullable=False),
        sa.Column("discount", PERCENT),
        *_money("fixed_price"),
    )


def downgrade() -> None:
    for table in ("catalog_price_rule", "catalog_price_list", "catalog_customer_terms", "catalog_customer_group",
                  "catalog_bundle_item", "catalog_product", "catalog_fiscal_rule", "catalog_fiscal_position",
                  "catalog_tax_rate", "catalog_tax", "catalog_tax_category", "catalog_category"):
        op.drop_table(table)
