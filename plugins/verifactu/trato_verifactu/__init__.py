"""VeriFactu: Spain's chained billing records (registros de facturación) for the invoices invoicing issues.

The entry point in pyproject.toml names `plugin`. It requires invoicing, whose `invoice_issued` hook it
implements: every issue appends a RegistroAlta to the issuer's chain inside the issuing transaction.
"""
from flask_babel import lazy_gettext as _l

from trato import Plugin

plugin = Plugin(
    name="verifactu",
    label=_l("VeriFactu"),
    hooks="trato_verifactu.hooks",
    requires=("invoicing",),
    core=">=0.1,<0.2",
    description=_l("Spain's VeriFactu billing records: a fingerprint chain per issuer, its check, "
                   "cancellations, the QR code on the invoice and the records' XML."),
)

__all__ = ["plugin"]
