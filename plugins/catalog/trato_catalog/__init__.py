"""Catalog: products and services, price lists, taxes and fiscal positions.

The entry point in pyproject.toml names `plugin`. Other plugins (invoicing) use the public services
`price_for`, `taxes_for`, `fiscal_position_for` and `product_name` below; they declare `requires=("catalog",)`.
"""
from flask_babel import lazy_gettext as _l

from trato import Plugin

from .pricing import PriceQuote, PricingError, price_for
from .taxes import AppliedTax, TaxError, Taxes, check_vat_number, fiscal_position_for, taxes_for
from .texts import product_name

plugin = Plugin(
    name="catalog",
    label=_l("Catalog"),
    hooks="trato_catalog.hooks",
    core=">=0.1,<0.2",
    description=_l("Products and services, price lists, taxes and fiscal positions, with Spain's IVA, recargo "
                   "de equivalencia and IRPF."),
)

__all__ = ["AppliedTax", "PriceQuote", "PricingError", "TaxError", "Taxes", "check_vat_number",
           "fiscal_position_for", "plugin", "price_for", "product_name", "taxes_for"]
