"""The demo: quotes, an order partly invoiced, issued invoices with their numbers and tax rows, a credit note
and a draft, whose totals are those the documents' own computation gives."""
from sqlalchemy import func, select

from trato import records, session
from trato.demo import load_demo
from trato_invoicing.issuing import create_invoice, issue
from trato_invoicing.models import InvoiceTax

from test_documents_support import customer, line

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app


def test_the_demo_documents(spain_app, make_user):
    make_user(admin=True, app=spain_app)
    with spain_app.app_context():
        done = load_demo(spain_app, "es")
        session().rollback()  # the demo committed in a session of its own
        assert "invoicing" in done.plugins
        invoices = records.query("invoicing_invoice", user=None).order_by("id").page(limit=50).items
        assert [(i["kind"], i["status"], i["number"]) for i in invoices] == [
            ("invoice", "issued", invoices[0]["number"]), ("invoice", "issued", invoices[1]["number"]),
            ("rectifying", "issued", invoices[2]["number"]), ("invoice", "issued", invoices[3]["number"]),
            ("invoice", "draft", None)]
        numbers = [i["number"] for i in invoices[:4]]
        assert [n[0] for n in numbers] == ["F", "F", "R", "F"] and len(set(numbers)) == 4
        assert invoices[2]["total"].amount < 0 and invoices[2]["rectifies_id"] == invoices[1].id
        assert invoices[3]["withholding_amount"].amount > 0
        assert session().scalar(select(func.count()).select_from(InvoiceTax)) >= 5
        quotes = records.query("invoicing_quote", user=None).order_by("id").page(limit=10).items
        assert [q["status"] for q in quotes] == ["accepted", "sent"]
        (order,) = records.query("invoicing_order", user=None).page(limit=10).items
        assert order["status"] == "partly_invoiced" and order["invoiced_amount"] == invoices[0]["total"]
        # the series go on after the demo's numbers
        account = customer("Nuevo cliente")
        after = issue(create_invoice({"account_id": account.id}, [line("10.00")], user=None).id, user=None)
        assert after["number"].startswith("F") and after["number"] not in numbers
