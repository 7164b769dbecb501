"""E-invoicing: EN 16931 invoices (UBL 2.1, CII, Factur-X) from issued invoices, validated with CEN's rules,
and received UBL or CII invoices read back.

The entry point in pyproject.toml names `plugin`. It requires invoicing (the invoices it exports).
"""
from flask_babel import lazy_gettext as _l

from trato import Plugin

plugin = Plugin(
    name="einvoicing",
    label=_l("E-invoicing"),
    hooks="trato_einvoicing.hooks",
    requires=("invoicing",),
    core=">=0.1,<0.2",
    description=_l("EN 16931 electronic invoices: UBL, CII and Factur-X, checked with the European rules."),
)

__all__ = ["plugin"]
