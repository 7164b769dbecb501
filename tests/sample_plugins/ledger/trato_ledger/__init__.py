"""Ledger: orders with lines (a product picked per line, quantity, unit price, discount) and computed totals."""
from flask_babel import lazy_gettext as _l

from trato import Plugin

plugin = Plugin(
    name="ledger",
    label=_l("Ledger"),
    hooks="trato_ledger.hooks",
    core=">=0.1,<1",
    description=_l("Orders and their lines."),
)
