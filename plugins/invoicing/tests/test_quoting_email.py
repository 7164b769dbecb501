"""Quotes and invoices sent by email from their page: the form starts from the customer's address and a
subject and text in the company's language, the message reaches a real SMTP server with the PDF attached, a
draft quote becomes sent, and the message shows on the record's timeline. Bad addresses write nothing."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.support.smtp import smtp_server
from trato import Money, records
from trato_invoicing.quoting import sending

from conftest import PLUGINS

QUOTE = "invoicing_quote"


@pytest.fixture
def mail_app(make_app):
    with smtp_server() as (inbox, port):
        app = make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, smtp_host="127.0.0.1", smtp_port=port,
                       smtp_from="crm@example.com", base_url="https://crm.example.com", default_currency="EUR")
        yield app, inbox


def make_quote(owner) -> int:
    account = records.create("contacts_account", {"name": "Talleres Uriarte", "email": "compras@uriarte.example"},
                             user=owner)
    tax = records.query("catalog_tax", user=None).where({"code": "IVA21"}).page(limit=1).items[0].id
    return records.create(QUOTE, {"account_id": account.id, "lines": [
        {"description": "Consulting", "quantity": "10", "unit_price": Money(Decimal("80.00"), "EUR"),
         "tax_id": tax}]}, user=owner).id


def test_a_quote_sent_by_email_arrives_with_its_pdf_and_becomes_sent(mail_app, client_as, make_user):
    app, inbox = mail_app
    owner = make_user(admin=True)
    client = client_as(owner)
    with app.app_context():
        quote_id = make_quote(owner)
        number = records.get(QUOTE, quote_id, user=None)["number"] or ""
    form = client.get(f"/invoicing/send/{QUOTE}/{quote_id}")
    assert form.status_code == 200
    assert 'value="compras@uriarte.example"' in form.text and f"Quote {number}" in form.text
    assert 'name="answer_link" value="1" checked' in form.text
    sent = client.post(f"/invoicing/send/{QUOTE}/{quote_id}", data={
        "to": "compras@uriarte.example", "cc": "jefe@uriarte.example", "subject": "Your quote",
        "body": "Hello,\n\nHere it is.", "answer_link": "1"})
    assert sent.status_code == 302
    [message] = inbox.messages
    assert message["Subject"] == "Your quote" and "jefe@uriarte.example" in message["Cc"]
    plain = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    text = plain.get_payload(decode=True).decode()
    link = re.search(r"Read the quote and accept or reject it online: https?://[^/\s]+(/\S+)", text)
    assert text.startswith("Hello,") and link, text
    public = app.test_client().get(link.group(1))
    assert public.status_code == 200 and "Consulting" in public.text
    pdfs = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_payload(decode=True).startswith(b"%PDF")
    with app.app_context():
        assert records.get(QUOTE, quote_id, user=None)["status"] == "sent"
    assert "Your quote" in client.get(f"/r/{QUOTE}/{quote_id}/timeline?kind=emails").text


def test_bad_addresses_are_shown_at_their_field_and_nothing_is_queued(mail_app, client_as, make_user):
    app, inbox = mail_app
    owner = make_user(admin=True)
    client = client_as(owner)
    with app.app_context():
        quote_id = make_quote(owner)
    refused = client.post(f"/invoicing/send/{QUOTE}/{quote_id}", data={
        "to": "not-an-address", "cc": "", "subject": "", "body": "Hi"})
    assert refused.status_code == 422
    assert "Not an email address: not-an-address." in refused.text and "Give the message a subject." in refused.text
    assert inbox.messages == []
    with app.app_context():
        assert records.get(QUOTE, quote_id, user=None)["status"] == "draft"


def test_the_draft_is_in_the_company_language(mail_app, make_user):
    app, _inbox = mail_app
    with app.app_context():
        quote = records.get(QUOTE, make_quote(make_user(admin=True)), user=None)
        spanish = sending.draft(QUOTE, quote, language="es")
    assert spanish.to == ["compras@uriarte.example"]
    assert spanish.subject.startswith("Presupuesto")
