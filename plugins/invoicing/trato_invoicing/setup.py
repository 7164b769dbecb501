"""What enabling Invoicing makes: the documents' numbering series, and read access to the payment terms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trato import numbering, roles

# code -> (pattern, label): every series counts afresh in each fiscal year of its company.
SERIES = {
    "invoicing_quote": ("P{fy}-{seq:05}", _l("Quotes")),
    "invoicing_order": ("PV{fy}-{seq:05}", _l("Sales orders")),
    "invoicing_invoice": ("F{fy}-{seq:05}", _l("Invoices")),
    "invoicing_simplified": ("FS{fy}-{seq:05}", _l("Simplified invoices")),
    "invoicing_rectifying": ("R{fy}-{seq:05}", _l("Rectifying invoices")),
}


def install(session: Session) -> None:
    """Make the series that do not exist yet: enabling again keeps the ones made, and their counts (the code
    check refuses a taken code before writing anything)."""
    for code, (pattern, label) in SERIES.items():
        try:
            numbering.create_series(code, pattern, label=str(label), reset_yearly=True, session=session)
        except numbering.NumberingError:
            continue
    roles.grant(session, "invoicing_payment_term", ("view",), "all")
