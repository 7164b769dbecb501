"""Totals of quotes, orders and invoices against figures worked out by hand: tax per rate on the sum of the
nets (not per line), after the global discount; recargo and IRPF on their own bases; half-up rounding."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from trato import records, session
from trato_invoicing.issuing import create_invoice
from trato_invoicing.models import InvoiceTax

from test_documents_support import customer, eur, line, position, product, tax

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app


def totals(record):
    return tuple(record[name] for name in ("net_amount", "tax_amount", "surcharge_amount", "withholding_amount",
                                           "total"))


def tax_rows(invoice_id):
    rows = session().scalars(select(InvoiceTax).where(InvoiceTax.invoice_id == invoice_id))
    return sorted((r.kind, r.code, r.rate, r.base, r.amount) for r in rows)


def test_vat_21_and_10_with_a_five_percent_global_discount(ctx):
    # IVA 21: 3 x 19.99 = 59.97 and 12.35 -> 72.32, less 5 % = 68.704 -> 68.70, tax 14.427 -> 14.43
    # IVA 10: 2 x 45.50 less 10 % = 81.90, less 5 % = 77.805 -> 77.81, tax 7.781 -> 7.78
    account = customer()
    quote = records.create("invoicing_quote", {"account_id": account.id, "issue_date": date(2026, 11, 2),
                                               "global_discount": "5", "lines": [
        line("19.99", "3"), line("45.50", "2", vat="IVA10", discount="10"), line("12.35")]}, user=None)
    assert totals(quote) == (eur("146.51"), eur("22.21"), eur("0.00"), eur("0.00"), eur("168.72"))
    nets = [item["net"] for item in records.lines("invoicing_quote", quote.id, user=None)["invoicing_quote_line"]]
    assert nets == [eur("59.97"), eur("81.90"), eur("12.35")]

    invoice = create_invoice({"account_id": account.id, "issue_date": date(2026, 11, 2), "global_discount": "5"},
                             [line("19.99", "3"), line("45.50", "2", vat="IVA10", discount="10"), line("12.35")],
                             user=None)
    assert totals(invoice) == totals(quote)
    assert tax_rows(invoice.id) == [("vat", "IVA10", Decimal("10"), Decimal("77.81"), Decimal("7.78")),
                                    ("vat", "IVA21", Decimal("21"), Decimal("68.70"), Decimal("14.43"))]


def test_a_customer_under_recargo_de_equivalencia(ctx):
    # 10 x 3.15 = 31.50 at IVA 21 (6.615 -> 6.62) and RE 5.2 (1.638 -> 1.64);
    # 4 x 2.49 = 9.96 at IVA 10 (0.996 -> 1.00) and RE 1.4 (0.13944 -> 0.14)
    shop = customer("Droguería Olano", fiscal_position="Equivalence surcharge")
    order = records.create("invoicing_order", {"account_id": shop.id, "order_date": date(2026, 11, 2), "lines": [
        line("3.15", "10", surcharge="RE5.2"), line("2.49", "4", vat="IVA10", surcharge="RE1.4")]}, user=None)
    assert totals(order) == (eur("41.46"), eur("7.62"), eur("1.78"), eur("0.00"), eur("50.86"))


def test_a_professional_with_irpf_withheld(ctx):
    # 1,200.00 + 37.50 = 1,237.50: IVA 21 259.875 -> 259.88, IRPF 15 185.625 -> 185.63
    client = customer("Arquitectos Goñi SLP")
    invoice = create_invoice({"account_id": client.id, "issue_date": date(2026, 11, 2)},
                             [line("1200.00", withholding="IRPF15"), line("37.50", withholding="IRPF15")], user=None)
    assert totals(invoice) == (eur("1237.50"), eur("259.88"), eur("0.00"), eur("185.63"), eur("1311.75"))
    assert ("withholding", "IRPF15", Decimal("15"), Decimal("1237.50"), Decimal("185.63")) in tax_rows(invoice.id)


def test_tax_is_rounded_once_per_rate_not_per_line(ctx):
    # IVA 10 on three nets of 0.05: per rate 0.15 x 10 % = 0.015 -> 0.02 (per line it would be 3 x 0.01 = 0.03)
    # IVA 21 on three nets of 0.35: per rate 1.05 x 21 % = 0.2205 -> 0.22 (per line 3 x 0.0735 -> 0.21)
    account = customer()
    invoice = create_invoice({"account_id": account.id, "issue_date": date(2026, 11, 2)},
                             [line("0.05", vat="IVA10")] * 3 + [line("0.35")] * 3, user=None)
    assert totals(invoice) == (eur("1.20"), eur("0.24"), eur("0.00"), eur("0.00"), eur("1.44"))
    # half up, never half even: 2.5 x 0.01 = 0.025 -> 0.03
    quote = records.create("invoicing_quote", {"account_id": account.id, "lines": [line("0.01", "2.5")]},
                           user=None)
    assert quote["net_amount"] == eur("0.03")


def test_a_line_giving_only_a_product_gets_its_price_and_taxes_from_the_catalog(ctx):
    consulting = product("CONS", "80.00", withholding="IRPF15")
    professional = customer("Estudio Arrieta", fiscal_position="Domestic business")
    invoice = create_invoice({"account_id": professional.id, "issue_date": date(2026, 11, 2)},
                             [{"product_id": consulting.id, "quantity": "2.5"}], user=None)
    (filled,) = records.lines("invoicing_invoice", invoice.id, user=None)["invoicing_invoice_line"]
    assert (filled["unit_price"], filled["tax_id"], filled["withholding_id"], filled["description"]) == (
        eur("80.00"), tax("IVA21"), tax("IRPF15"), "Product CONS")
    # 200.00 net, IVA 42.00, IRPF 30.00
    assert totals(invoice) == (eur("200.00"), eur("42.00"), eur("0.00"), eur("30.00"), eur("212.00"))
    private = customer("Miren Etxeberria", tax_id=None, fiscal_position="Domestic private customer")
    quote = records.create("invoicing_quote", {"account_id": private.id, "fiscal_position_id":
                                               position("Domestic private customer"),
                                               "lines": [{"product_id": consulting.id, "quantity": "1"}]}, user=None)
    assert totals(quote) == (eur("80.00"), eur("16.80"), eur("0.00"), eur("0.00"), eur("96.80"))


def test_the_form_works_the_totals_out_as_lines_are_typed(spain_app, make_user, client_as):
    admin = make_user(admin=True)
    with spain_app.app_context():
        consulting = product("CONS", "80.00")
        account = customer()
        vat = tax("IVA21")
    client = client_as(admin)
    live = client.post("/r/invoicing_invoice/lines/totals", data={
        "account_id": account.id, "kind": "invoice", "issue_date": "2026-11-02",
        "lines.invoicing_invoice_line.shown": "1", "lines.invoicing_invoice_line": ["r1", "r2"],
        "lines.invoicing_invoice_line.r1.product_id": consulting.id,
        "lines.invoicing_invoice_line.r1.quantity": "2",
        "lines.invoicing_invoice_line.r2.description": "Desplazamiento",
        "lines.invoicing_invoice_line.r2.quantity": "1",
        "lines.invoicing_invoice_line.r2.unit_price": "30.00 EUR",
        "lines.invoicing_invoice_line.r2.tax_id": vat})
    assert live.status_code == 200
    text = live.get_data(as_text=True)
    assert "160.00" in text and "30.00" in text and "229.90" in text  # (160 + 30) x 1.21
