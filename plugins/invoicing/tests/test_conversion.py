"""Quote -> order -> partial invoices (by quantity per order line), advance invoices deducted on the invoice
that completes the order; quote -> invoice; what is refused."""
from datetime import date
from decimal import Decimal

from trato import records
from trato_invoicing.conversion import invoice_from_order, invoice_from_quote, order_from_quote
from trato_invoicing.issuing import issue

from test_documents_support import customer, eur, line
from test_issuing import errors_of

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app

ON = date(2026, 11, 2)


def quote_of(account, *lines, **values):
    return records.create("invoicing_quote", {"account_id": account.id, "issue_date": ON, **values,
                                              "lines": list(lines)}, user=None)


def lines_of(entity, record):
    return records.lines(entity, record.id, user=None)[f"{entity}_line"]


def test_a_quote_becomes_an_order_and_two_partial_invoices(spain):
    account = customer()
    quote = quote_of(account, line("19.99", "3", description="Licences"),
                     line("45.50", "2", vat="IVA10", discount="10", description="Training"), global_discount="5")
    assert quote["number"] == "P2026-00001"
    order = order_from_quote(quote.id, user=None)
    assert (order["number"], order["quote_id"], order["status"], order["total"]) == (
        "PV2026-00001", quote.id, "open", quote["total"])
    assert records.get("invoicing_quote", quote.id, user=None)["status"] == "accepted"
    licences, training = lines_of("invoicing_order", order)

    first = invoice_from_order(order.id, quantities={licences.id: Decimal(2), training.id: Decimal(1)}, user=None)
    # 2 x 19.99 = 39.98 less 5 % = 37.98 (IVA 7.98); 45.50 less 10 % = 40.95 less 5 % = 38.90 (IVA 3.89)
    assert (first["net_amount"], first["tax_amount"], first["total"]) == (eur("76.88"), eur("11.87"), eur("88.75"))
    order = records.get("invoicing_order", order.id, user=None)
    assert order["status"] == "partly_invoiced" and order["invoiced_amount"] == eur("88.75")
    assert [item["invoiced_quantity"] for item in lines_of("invoicing_order", order)] == [2, 1]
    assert errors_of(lambda: invoice_from_order(order.id, quantities={licences.id: Decimal(2)}, user=None)) == {
        "quantities": {str(licences.id): ["Invoice more than 0 and at most 1.000."]}}

    second = invoice_from_order(order.id, user=None)   # what is left: 1 licence, 1 training
    assert [(item["description"], item["quantity"]) for item in lines_of("invoicing_invoice", second)] == [
        ("Licences", 1), ("Training", 1)]
    order = records.get("invoicing_order", order.id, user=None)
    assert order["status"] == "invoiced"
    assert order["invoiced_amount"] == first["total"] + second["total"]
    assert errors_of(lambda: invoice_from_order(order.id, user=None)) == {
        "quantities": ["Everything on this order is invoiced already."]}
    assert errors_of(lambda: order_from_quote(quote.id, user=None)) == {
        "quote_id": ["This quote already has the sales order PV2026-00001."]}

    records.delete("invoicing_invoice", second.id, user=None)   # a draft binned: open again
    assert records.get("invoicing_order", order.id, user=None)["status"] == "partly_invoiced"


def test_an_advance_invoice_is_deducted_on_the_invoice_that_completes_the_order(spain):
    account = customer()
    order = records.create("invoicing_order", {"account_id": account.id, "order_date": ON, "lines": [
        line("1000.00", description="Kitchen"), line("500.00", vat="IVA10", description="Fitting")]}, user=None)
    advance = invoice_from_order(order.id, advance=eur("300.00"), user=None)
    # 300 shared 1000:500 -> 200 at IVA 21 (42.00) and 100 at IVA 10 (10.00)
    assert advance["advance"] and (advance["net_amount"], advance["total"]) == (eur("300.00"), eur("352.00"))
    issue(advance.id, user=None)
    final = invoice_from_order(order.id, user=None)
    assert [(item["description"], item["net"]) for item in lines_of("invoicing_invoice", final)] == [
        ("Kitchen", eur("1000.00")), ("Fitting", eur("500.00")),
        ("Deduction of the advance invoice F2026-00001", eur("-200.00")),
        ("Deduction of the advance invoice F2026-00001", eur("-100.00"))]
    assert (final["net_amount"], final["tax_amount"], final["total"]) == (eur("1200.00"), eur("208.00"),
                                                                        eur("1408.00"))
    assert errors_of(lambda: invoice_from_order(order.id, advance=eur("2000.00"), user=None)) == {
        "advance": ["Give an advance more than 0 and at most the order's net amount, 1500.00 EUR."]}


def test_a_quote_becomes_an_invoice_unless_rejected(spain):
    account = customer()
    quote = quote_of(account, line("250.00", "2"))
    invoice = invoice_from_quote(quote.id, user=None)
    assert (invoice["quote_id"], invoice["status"], invoice["total"]) == (quote.id, "draft", eur("605.00"))
    rejected = quote_of(account, line("10.00"), status="rejected")
    assert errors_of(lambda: invoice_from_quote(rejected.id, user=None)) == {
        "status": ["A rejected or expired quote cannot be converted."]}
