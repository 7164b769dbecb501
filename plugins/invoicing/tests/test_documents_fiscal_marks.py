"""`invoicing.fiscal_marks`: a list invoicing leaves empty for other plugins (VeriFactu, TicketBAI) to fill
from their own `document_context`, each mark an image (data: URI) and a text, printed under the heading."""
import subprocess
from datetime import date

from fiscal_mark_spy import IMAGE, marker
from trato_invoicing.issuing import create_invoice, issue

from conftest import PLUGINS
from test_documents_support import customer, line
from trato import documents

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app


def test_without_a_plugin_adding_one_there_is_no_mark(spain):
    html = documents.render_html("invoicing_invoice", create_invoice(
        {"account_id": customer().id, "issue_date": date(2026, 11, 2)}, [line("10.00")], user=None).id, user=None)
    assert "fiscal-mark" not in html


def test_marks_are_printed_under_the_heading(make_app):
    plugins = {**PLUGINS, "marker": marker}
    app = make_app(plugins=list(plugins), extra_plugins=plugins, default_currency="EUR")
    with app.app_context():
        invoice = issue(create_invoice({"account_id": customer().id, "issue_date": date(2026, 11, 2)},
                                       [line("10.00")], user=None).id, user=None)
        html = documents.render_html("invoicing_invoice", invoice.id, user=None)
        pdf = documents.kept("invoicing_invoice", invoice.id)
    heading, rest = html.split("</h1>", 1)
    assert rest.lstrip().startswith(f'<div class="fiscal-mark"><img src="{IMAGE}" alt="" width="132" height="132">'
                                    "<p>Marca fiscal de prueba</p></div>")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Marca fiscal de prueba" in text
