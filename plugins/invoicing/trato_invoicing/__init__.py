"""Invoicing: quotes, sales orders, invoices, rectifying invoices, payments and recurring billing.

The entry point in pyproject.toml names `plugin`. It requires contacts (customers) and catalog (products,
prices, taxes); with sales enabled, deals get quotes.
"""
from flask_babel import lazy_gettext as _l

from trato import Plugin

plugin = Plugin(
    name="invoicing",
    label=_l("Invoicing"),
    hooks="trato_invoicing.hooks",
    hookspecs="trato_invoicing.hookspecs",
    requires=("contacts", "catalog"),
    core=">=0.1,<0.2",
    description=_l("Quotes, sales orders, invoices and credit notes with Spain's IVA, recargo and IRPF; "
                   "payments, reminders, recurring billing and the tax books."),
)

__all__ = ["plugin"]
