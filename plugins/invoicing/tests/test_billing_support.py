"""What the billing tests share: customers, taxes and issued invoices made through the documents' public
functions (A's `create_invoice` and `issue`), as a business would make them. No tests here."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trato import Money, RecordData, records
from trato_catalog import plugin as catalog_plugin
from trato_contacts import plugin as contacts_plugin
from trato_invoicing import plugin as invoicing_plugin
from trato_invoicing.issuing import create_invoice, issue

PLUGINS = {"contacts": contacts_plugin, "catalog": catalog_plugin, "invoicing": invoicing_plugin}


@pytest.fixture
def invoicing_app(make_app):
    """The plugins' app in a Spanish business's currency, the euro (imported by the billing tests, it stands in
    for the conftest's)."""
    return make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, default_currency="EUR")


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def tax(code: str) -> int:
    return records.query("catalog_tax", user=None).where({"code": code}).page(limit=1).items[0].id


def term(name: str) -> int:
    return records.query("invoicing_payment_term", user=None).where({"name": name}).page(limit=1).items[0].id


def customer(name: str = "Nortech Software", tax_id: str = "B95472163", email: str = "pagos@nortech.example"
             ) -> RecordData:
    return records.create("contacts_account", {"name": name, "tax_id": tax_id, "email": email,
                                               "billing_country": "ES"}, user=None)


def issued(user, *lines: tuple[str, str], account: RecordData | None = None, on: date | None = None,
           payment_term: str | None = None, surcharge: str | None = None,
           contact: RecordData | None = None) -> RecordData:
    """An issued invoice with one line per (net price, VAT code), quantity 1."""
    account = account or customer()
    values = {"kind": "invoice", "account_id": account.id, "issue_date": on or date.today(),
              "payment_term_id": term(payment_term) if payment_term else None,
              "contact_id": contact.id if contact else None}
    draft = create_invoice(values, [{"description": f"Servicio {index}", "quantity": "1",
                                     "unit_price": {"amount": price, "currency": "EUR"}, "tax_id": tax(code),
                                     "surcharge_id": tax(surcharge) if surcharge else None}
                                    for index, (price, code) in enumerate(lines, 1)], user=user)
    return issue(draft.id, user=user)


def credit_note(user, rectified: RecordData, *lines: tuple[str, str], on: date | None = None) -> RecordData:
    """An issued rectifying invoice by differences taking back one unit of each (net price, VAT code)."""
    values = {"kind": "rectifying", "account_id": rectified["account_id"], "issue_date": on or date.today(),
              "rectifies_id": rectified.id, "rectification_reason": "R1", "rectification_method": "differences"}
    draft = create_invoice(values, [{"description": f"Abono {index}", "quantity": "-1",
                                     "unit_price": {"amount": price, "currency": "EUR"}, "tax_id": tax(code)}
                                    for index, (price, code) in enumerate(lines, 1)], user=user)
    return issue(draft.id, user=user)


def pay(user, invoice: RecordData, amount: str, on: date | None = None, method: str = "transfer") -> RecordData:
    return records.create("invoicing_payment", {"invoice_id": invoice.id, "payment_date": on or date.today(),
                                                "amount": eur(amount), "method": method}, user=user)


def standing(invoice_id: int) -> tuple[Money, Money, str]:
    invoice = records.get("invoicing_invoice", invoice_id, user=None)
    return invoice["paid"], invoice["balance"], invoice["payment_status"]
