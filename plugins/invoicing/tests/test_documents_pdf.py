"""The documents' PDFs, read back as text (pdftotext): lines, the tax summary per rate with recargo and
withholding, the totals, a rectifying invoice's reference and reason, exemption legends; English and Spanish."""
import subprocess
from datetime import date

from trato import documents, records
from trato_invoicing.issuing import create_invoice, issue
from trato_invoicing.rectifying import rectify

from test_documents_support import customer, line, position

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app

ON = date(2026, 11, 2)


def text_of(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_an_invoice_with_recargo_and_irpf_and_its_credit_note(spain):
    shop = customer("Droguería Olano", fiscal_position="Equivalence surcharge")
    invoice = issue(create_invoice({"account_id": shop.id, "issue_date": ON}, [
        line("3.15", "10", surcharge="RE5.2", description="Jabón"),
        line("100.00", withholding="IRPF15", description="Asesoría")], user=None).id, user=None)
    english = text_of(documents.kept("invoicing_invoice", invoice.id))
    for shown in ("Invoice F2026-00001", "Droguería Olano", "B95472163", "Jabón", "Asesoría",
                  "Net amount €131.50", "Total €145.76"):
        assert shown in english, shown
    # VAT 21 % on 131.50 = 27.62; recargo 5.2 % on 31.50 = 1.64; IRPF 15 % on 100.00 = 15.00 withheld
    assert "VAT €131.50 21 % €27.62" in english
    assert "Equivalence surcharge €31.50 5.2 % €1.64" in english
    assert "IRPF withholding €100.00 15 % -€15.00" in english

    credit = issue(rectify(invoice.id, method="differences", reason="R1", user=None).id, user=None)
    spanish = text_of(documents.render_pdf("invoicing_invoice", credit.id, user=None, language="es"))
    assert "R2026-00001" in spanish and "F2026-00001" in spanish and "R1" in spanish
    assert "-145,76" in spanish


def test_an_intra_eu_invoice_prints_its_exemption_and_a_quote_its_validity(spain):
    eu = customer("Société Lumière", tax_id="FR40303265045")
    invoice = create_invoice({"account_id": eu.id, "issue_date": ON,
                              "fiscal_position_id": position("Intra-EU business")},
                             [line("1000.00", vat=None, exemption="Entrega intracomunitaria exenta (art. 25 LIVA)")],
                             user=None)
    text = text_of(documents.render_pdf("invoicing_invoice", invoice.id, user=None, language="es"))
    assert "Entrega intracomunitaria exenta (art. 25 LIVA)" in text and "Inversión del sujeto pasivo" in text
    quote = records.create("invoicing_quote", {"account_id": eu.id, "issue_date": ON, "valid_until": date(2026, 12, 2),
                                               "terms": "50 % on order", "lines": [line("10.00")]}, user=None)
    quoted = text_of(documents.render_pdf("invoicing_quote", quote.id, user=None, language="en"))
    assert "Quote P2026-00001" in quoted and "Valid until" in quoted and "50 % on order" in quoted
    order = records.create("invoicing_order", {"account_id": eu.id, "order_date": ON, "lines": [line("10.00")]},
                           user=None)
    assert "Pedido de venta PV2026-00001" in text_of(documents.render_pdf("invoicing_order", order.id, user=None,
                                                                          language="es"))
