"""The catalog's entities: products (with bundle components), categories, taxes (with dated rates), tax
categories, fiscal positions (with their rules), customer groups, customer terms and price lists (with rules).

Every one is an ordinary Trato entity: list, detail and form pages, the REST API, import and export come from
the core. Lines (bundle components, tax rates, fiscal rules, price rules) are child entities, written with
their parent in one call (docs/lines.md).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped

from trato import Base, EntityInfo, Money, Record, RecordLink, field

UNITS = [
    ("unit", _l("Unit")), ("hour", _l("Hour")), ("day", _l("Day")), ("month", _l("Month")),
    ("year", _l("Year")), ("kg", _l("Kilogram")), ("m", _l("Metre")), ("m2", _l("Square metre")),
    ("l", _l("Litre")), ("pack", _l("Pack")),
]
PRODUCT_KINDS = [("product", _l("Product")), ("service", _l("Service"))]
BUNDLE_PRICING = [("whole", _l("Priced as a whole")), ("sum", _l("Sum of its parts"))]
TAX_KINDS = [("vat", _l("VAT (IVA)")), ("surcharge", _l("Equivalence surcharge (recargo)")),
             ("withholding", _l("Withholding (IRPF)"))]
CATEGORY_KINDS = [("general", _l("General")), ("reduced", _l("Reduced")), ("super_reduced", _l("Super-reduced")),
                  ("zero", _l("Zero rate")), ("exempt", _l("Exempt")), ("not_subject", _l("Not subject"))]
REGIMES = [("domestic", _l("Domestic")), ("surcharge", _l("Equivalence surcharge (recargo de equivalencia)")),
           ("intra_eu", _l("Intra-EU with VAT number (reverse charge)")), ("export", _l("Export outside the EU")),
           ("canary_ceuta_melilla", _l("Canary Islands, Ceuta and Melilla (no IVA)"))]


class Category(Record, Base):
    __tablename__ = "catalog_category"
    __entity__ = EntityInfo(_l("Product category"), _l("Product categories"), title="name", search=("name",),
                            list_columns=("name", "parent_id"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120)
    parent_id: Mapped[int | None] = field("relation", label=_l("Parent category"), target="catalog_category")
    description: Mapped[str | None] = field("long_text", label=_l("Description"))


class TaxCategory(Record, Base):
    __tablename__ = "catalog_tax_category"
    __entity__ = EntityInfo(_l("Tax category"), _l("Tax categories"), title="name",
                            list_columns=("name", "kind", "legal_reason"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120, unique=True)
    kind: Mapped[str] = field("select", label=_l("Type"), required=True, options=CATEGORY_KINDS, filterable=True)
    legal_reason: Mapped[str | None] = field(
        "long_text", label=_l("Legal reason"),
        help=_l("Required for exempt and not subject: the article of the law printed on the invoice."))


class Tax(Record, Base):
    __tablename__ = "catalog_tax"
    __entity__ = EntityInfo(_l("Tax"), _l("Taxes"), title="name", search=("code", "name"),
                            list_columns=("code", "name", "kind"))

    code: Mapped[str] = field("text", label=_l("Code"), required=True, length=40, unique=True)
    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120)
    kind: Mapped[str] = field("select", label=_l("Type"), required=True, options=TAX_KINDS, filterable=True)


class TaxRate(Record, Base):
    __tablename__ = "catalog_tax_rate"
    __entity__ = EntityInfo(_l("Tax rate"), _l("Tax rates"), title="valid_from", parent="catalog_tax",
                            list_columns=("parent_id", "rate", "valid_from", "valid_to"))

    rate: Mapped[Decimal] = field("percent", label=_l("Percentage"), required=True)
    valid_from: Mapped[date] = field("date", label=_l("Valid from"), required=True)
    valid_to: Mapped[date | None] = field("date", label=_l("Valid until"),
                                          help=_l("The last day the rate applies; empty while it still does."))


class FiscalPosition(Record, Base):
    __tablename__ = "catalog_fiscal_position"
    __entity__ = EntityInfo(_l("Fiscal position"), _l("Fiscal positions"), title="name",
                            list_columns=("name", "regime", "reverse_charge", "withholding"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120, unique=True)
    regime: Mapped[str] = field("select", label=_l("Regime"), required=True, options=REGIMES, filterable=True)
    reverse_charge: Mapped[bool] = field("boolean", label=_l("Reverse charge"), required=True, default=False)
    withholding: Mapped[bool] = field("boolean", label=_l("Customer withholds IRPF"), required=True, default=False,
                                      help=_l("Whether the products' withholding applies to these customers."))
    note: Mapped[str | None] = field("long_text", label=_l("Legal note"),
                                     help=_l("The mention printed on invoices, such as the reverse charge."))


class FiscalRule(Record, Base):
    __tablename__ = "catalog_fiscal_rule"
    __entity__ = EntityInfo(_l("Fiscal rule"), _l("Fiscal rules"), title="tax_category_id",
                            title_pattern="{tax_category_id}", parent="catalog_fiscal_position",
                            list_columns=("parent_id", "tax_category_id", "vat_tax_id", "surcharge_tax_id"))

    tax_category_id: Mapped[int] = field("relation", label=_l("Tax category"), required=True,
                                         target="catalog_tax_category")
    vat_tax_id: Mapped[int | None] = field("relation", label=_l("VAT"), target="catalog_tax",
                                           help=_l("Empty when no VAT is charged."))
    surcharge_tax_id: Mapped[int | None] = field("relation", label=_l("Equivalence surcharge"),
                                                 target="catalog_tax")


class Product(Record, Base):
    __tablename__ = "catalog_product"
    __entity__ = EntityInfo(_l("Product"), _l("Products"), title="name", search=("code", "name", "name_en",
                                                                              "name_es"),
                            list_columns=("code", "name", "kind", "category_id", "list_price", "active"),
                            sections={"pricing": _l("Price and taxes"), "bundle": _l("Bundle")})

    code: Mapped[str] = field("text", label=_l("Code"), required=True, length=60, unique=True)
    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=200)
    name_en: Mapped[str | None] = field("text", label=_l("Name in English"), length=200)
    name_es: Mapped[str | None] = field("text", label=_l("Name in Spanish"), length=200)
    kind: Mapped[str] = field("select", label=_l("Type"), required=True, options=PRODUCT_KINDS, default="product",
                              filterable=True)
    description: Mapped[str | None] = field("long_text", label=_l("Description"))
    category_id: Mapped[int | None] = field("relation", label=_l("Category"), target="catalog_category")
    unit: Mapped[str] = field("select", label=_l("Unit of measure"), required=True, options=UNITS, default="unit")
    list_price: Mapped[Money | None] = field("money", label=_l("List price"), section="pricing")
    cost: Mapped[Money | None] = field("money", label=_l("Cost"), section="pricing")
    tax_category_id: Mapped[int | None] = field("relation", label=_l("Tax category"), section="pricing",
                                                target="catalog_tax_category")
    withholding_tax_id: Mapped[int | None] = field(
        "relation", label=_l("Withholding"), section="pricing", target="catalog_tax",
        help=_l("IRPF withheld by business customers: professional services, rentals."))
    bundle_pricing: Mapped[str | None] = field(
        "select", label=_l("Bundle price"), section="bundle", options=BUNDLE_PRICING,
        help=_l("For a product made of others: its own list price, or the sum of its parts' prices."))
    active: Mapped[bool] = field("boolean", label=_l("Active"), required=True, default=True, filterable=True)


class BundleItem(Record, Base):
    __tablename__ = "catalog_bundle_item"
    __entity__ = EntityInfo(_l("Bundle component"), _l("Bundle components"), title="component_id",
                            title_pattern="{component_id}", parent="catalog_product",
                            list_columns=("parent_id", "component_id", "quantity"))

    component_id: Mapped[int] = field("relation", label=_l("Component"), required=True, target="catalog_product")
    quantity: Mapped[Decimal] = field("decimal", label=_l("Quantity"), required=True, scale=3)


class CustomerGroup(Record, Base):
    __tablename__ = "catalog_customer_group"
    __entity__ = EntityInfo(_l("Customer group"), _l("Customer groups"), title="name", list_columns=("name",))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120, unique=True)
    description: Mapped[str | None] = field("long_text", label=_l("Description"))


class CustomerTerms(Record, Base):
    __tablename__ = "catalog_customer_terms"
    __entity__ = EntityInfo(_l("Customer terms"), _l("Customer terms"), title="vat_number",
                            title_pattern="{customer}",
                            list_columns=("customer", "group_id", "fiscal_position_id", "vat_number"))

    customer: Mapped[RecordLink] = field("record_link", label=_l("Customer"), required=True)
    group_id: Mapped[int | None] = field("relation", label=_l("Customer group"), target="catalog_customer_group")
    fiscal_position_id: Mapped[int | None] = field("relation", label=_l("Fiscal position"),
                                                   target="catalog_fiscal_position")
    vat_number: Mapped[str | None] = field("text", label=_l("VAT number"), length=30,
                                           help=_l("Required for intra-EU customers: checked with its country's "
                                                   "rules, such as FR40303265045."))


class PriceList(Record, Base):
    __tablename__ = "catalog_price_list"
    __entity__ = EntityInfo(_l("Price list"), _l("Price lists"), title="name", search=("name",),
                            list_columns=("name", "customer", "group_id", "currency", "valid_from", "valid_to",
                                          "active"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120)
    customer: Mapped[RecordLink | None] = field("record_link", label=_l("Customer"),
                                                help=_l("Only for this customer; empty for a group or everyone."))
    group_id: Mapped[int | None] = field("relation", label=_l("Customer group"), target="catalog_customer_group")
    currency: Mapped[str] = field("text", label=_l("Currency"), required=True, length=3,
                                  help=_l("The ISO 4217 code of its prices, such as EUR."))
    valid_from: Mapped[date | None] = field("date", label=_l("Valid from"))
    valid_to: Mapped[date | None] = field("date", label=_l("Valid until"))
    active: Mapped[bool] = field("boolean", label=_l("Active"), required=True, default=True)


class PriceRule(Record, Base):
    __tablename__ = "catalog_price_rule"
    __entity__ = EntityInfo(_l("Price rule"), _l("Price rules"), title="product_id",
                            title_pattern="{product_id}", parent="catalog_price_list",
                            list_columns=("parent_id", "product_id", "min_quantity", "discount", "fixed_price"))

    product_id: Mapped[int] = field("relation", label=_l("Product"), required=True, target="catalog_product")
    min_quantity: Mapped[Decimal] = field("decimal", label=_l("From quantity"), required=True, scale=3,
                                          default=Decimal(1))
    discount: Mapped[Decimal | None] = field("percent", label=_l("Discount"))
    fixed_price: Mapped[Money | None] = field("money", label=_l("Fixed price"))


ENTITIES = (Category, TaxCategory, Tax, TaxRate, FiscalPosition, FiscalRule, Product, BundleItem, CustomerGroup,
            CustomerTerms, PriceList, PriceRule)
