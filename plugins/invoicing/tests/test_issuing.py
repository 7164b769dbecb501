"""Issuing invoices: what is checked (each refusal at its field, nothing written, no number used), what issuing
writes (number, customer snapshot, exchange rate, tax rows, kept PDF), and issuing twice."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from trato import Money, ValidationFailed, currencies, documents, records, session
from trato_invoicing.issuing import create_invoice, issue
from trato_invoicing.models import InvoiceTax

from test_documents_support import customer, eur, line, position

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app

ON = date(2026, 11, 2)


def errors_of(call) -> dict:
    with pytest.raises(ValidationFailed) as refused:
        call()
    return refused.value.errors


def test_issuing_numbers_snapshots_and_keeps_the_pdf(spain):
    account = customer("Talleres Zubia SL", tax_id="B95472163")
    draft = create_invoice({"account_id": account.id, "issue_date": ON}, [line("100.00"), line("50.00", vat="IVA10")],
                           user=None)
    assert (draft["number"], draft["status"]) == (None, "draft")
    issued = issue(draft.id, user=None)
    assert (issued["number"], issued["status"], issued["kind"]) == ("F2026-00001", "issued", "invoice")
    assert (issued["customer_name"], issued["customer_tax_id"]) == ("Talleres Zubia SL", "B95472163")
    assert issued["customer_address"] == "Gran Vía 1\n48001 Bilbao\nSpain"
    assert (issued["exchange_rate"], issued["total"], issued["balance"]) == (Decimal("1"), eur("176.00"),
                                                                             eur("176.00"))
    rows = session().scalars(select(InvoiceTax).where(InvoiceTax.invoice_id == issued.id))
    assert sorted((r.code, r.base, r.amount) for r in rows) == [("IVA10", Decimal("50.00"), Decimal("5.00")),
                                                               ("IVA21", Decimal("100.00"), Decimal("21.00"))]
    pdf = documents.kept("invoicing_invoice", issued.id)
    assert pdf is not None and pdf.startswith(b"%PDF")
    # the customer's later change does not touch the invoice; issuing twice is refused, naming the number
    records.update("contacts_account", account.id, {"name": "Zubia Group"}, user=None, version=None)
    assert records.get("invoicing_invoice", issued.id, user=None)["customer_name"] == "Talleres Zubia SL"
    assert errors_of(lambda: issue(issued.id, user=None)) == {"status": ["Invoice F2026-00001 is already issued."]}
    second = create_invoice({"account_id": account.id, "issue_date": ON}, [line("10.00")], user=None)
    assert issue(second.id, user=None)["number"] == "F2026-00002"


def test_each_refusal_is_at_its_field_and_uses_no_number(spain):
    account = customer()
    empty = create_invoice({"account_id": account.id, "issue_date": ON}, [], user=None)
    assert errors_of(lambda: issue(empty.id, user=None)) == {"lines": ["An invoice needs at least one line."]}

    refused = errors_of(lambda: create_invoice({"account_id": account.id}, [line("5.00", "-1")], user=None))
    assert refused["lines"][0]["quantity"] == [
        "The quantity may not be negative: correct an issued invoice with a rectifying invoice."]

    # IVA 0 % has rates from 2023-01-01 only
    old = create_invoice({"account_id": account.id, "issue_date": date(2022, 6, 1)}, [line("5.00", vat="IVA0")],
                         user=None)
    assert errors_of(lambda: issue(old.id, user=None))["lines"][0]["tax_id"] == [
        "This tax has no rate valid on 2022-06-01, the issue date."]

    anonymous = customer("Miren Etxeberria", tax_id=None)
    big = create_invoice({"account_id": anonymous.id, "issue_date": ON}, [line("400.00")], user=None)
    assert errors_of(lambda: issue(big.id, user=None)) == {
        "customer_tax_id": ["An invoice over 400 EUR needs the customer's tax id."]}
    small = create_invoice({"account_id": anonymous.id, "issue_date": ON, "kind": "simplified"},
                           [line("330.00")], user=None)   # 399.30 with VAT
    too_big = create_invoice({"account_id": anonymous.id, "issue_date": ON, "kind": "simplified"},
                             [line("331.00")], user=None)  # 400.51
    assert errors_of(lambda: issue(too_big.id, user=None)) == {
        "kind": ["A simplified invoice may not exceed 400 EUR: issue a full invoice."]}

    eu = customer("Société Lumière", tax_id=None)
    intra = create_invoice({"account_id": eu.id, "issue_date": ON, "fiscal_position_id": position("Intra-EU business")},
                           [line("1000.00", vat=None, exemption="Inversión del sujeto pasivo")], user=None)
    assert errors_of(lambda: issue(intra.id, user=None)) == {
        "customer_tax_id": ["An intra-EU invoice needs the customer's VAT number."]}
    records.update("invoicing_invoice", intra.id, {"customer_tax_id": "FR40303265045"}, user=None, version=None)
    assert issue(intra.id, user=None)["number"] == "F2026-00001"   # nothing refused above took a number
    assert issue(small.id, user=None)["number"] == "FS2026-00001"
    assert records.get("invoicing_invoice", big.id, user=None)["status"] == "draft"


def test_an_invoice_in_dollars_keeps_the_rate_of_its_issue_date(spain):
    account = customer("Acme Inc.")
    usd = {"amount": "100.00", "currency": "USD"}
    invoice = create_invoice({"account_id": account.id, "issue_date": ON, "currency": "USD"},
                             [{**line("0"), "unit_price": usd}], user=None)
    assert errors_of(lambda: issue(invoice.id, user=None)) == {
        "currency": ["There is no exchange rate from USD on 2026-11-02."]}
    currencies.save_rates(session(), [currencies.Rate("USD", "EUR", date(2026, 10, 30), Decimal("0.9234")),
                                      currencies.Rate("USD", "EUR", date(2026, 11, 3), Decimal("0.95"))])
    session().commit()
    issued = issue(invoice.id, user=None)
    assert (issued["exchange_rate"], issued["total"]) == (Decimal("0.9234"), Money(Decimal("121.00"), "USD"))


def test_the_simplified_limit_of_art_4_1_activities(spain, monkeypatch):
    monkeypatch.setenv("TRATO_INVOICING_SIMPLIFIED_LIMIT", "3000")
    anonymous = customer("Cafetería Lur", tax_id=None)
    ticket = create_invoice({"account_id": anonymous.id, "issue_date": ON, "kind": "simplified"},
                            [line("2000.00")], user=None)   # 2,420.00 with VAT
    assert issue(ticket.id, user=None)["number"] == "FS2026-00001"
    over = create_invoice({"account_id": anonymous.id, "issue_date": ON, "kind": "simplified"},
                          [line("2500.00")], user=None)
    assert errors_of(lambda: issue(over.id, user=None)) == {
        "kind": ["A simplified invoice may not exceed 3000 EUR: issue a full invoice."]}
