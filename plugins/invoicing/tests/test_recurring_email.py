"""A subscription in "issued and emailed" mode: the run issues each period's invoice (numbered, its PDF kept)
and mails it to the customer with that kept PDF, through a real SMTP server; the subscription's page lists
its invoices."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.support.smtp import smtp_server
from trato import Money, documents, records
from trato_invoicing.recurring import billing

from conftest import PLUGINS


@pytest.fixture
def mail_app(make_app):
    with smtp_server() as (inbox, port):
        app = make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, smtp_host="127.0.0.1", smtp_port=port,
                       smtp_from="crm@example.com", base_url="https://crm.example.com", default_currency="EUR")
        yield app, inbox


def test_issued_and_emailed_with_the_kept_pdf(mail_app, client_as, make_user):
    app, inbox = mail_app
    owner = make_user(admin=True)
    with app.app_context():
        tax = records.query("catalog_tax", user=None).where({"code": "IVA21"}).page(limit=1).items[0].id
        account = records.create("contacts_account", {"name": "Academia Goierri", "tax_id": "B12345674",
                                                      "email": "admin@goierri.example"}, user=None)
        subscription = records.create("invoicing_subscription", {
            "name": "Software licence", "account_id": account.id, "frequency": "yearly", "interval": 1,
            "start_date": date.today(), "mode": "issue",
            "lines": [{"description": "Licence", "quantity": "1", "tax_id": tax,
                       "unit_price": Money(Decimal("1200.00"), "EUR")}]}, user=None)
        assert billing.bill_due(date.today()) == 1
        [invoice] = records.query("invoicing_invoice", user=None).where({"subscription_id": subscription.id}) \
            .page(limit=5).items
        assert invoice["status"] == "issued" and invoice["number"]
        assert invoice["total"] == Money(Decimal("1452.00"), "EUR")
        kept = documents.kept("invoicing_invoice", invoice.id)
    [message] = inbox.messages
    assert message["To"] == "admin@goierri.example" and invoice["number"] in message["Subject"]
    [pdf] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert pdf.get_payload(decode=True) == kept
    tab = client_as(owner).get(f"/r/invoicing_subscription/{subscription.id}?tab=invoicing-quoting-documents-tab")
    assert invoice["number"] in tab.text and f"/r/invoicing_invoice/{invoice.id}" in tab.text
