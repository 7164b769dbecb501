"""Billing on the pages: the invoice's Payments tab and its "Record payment" form, the account's statement
(tab, page and API) and the home widgets, in English and Spanish, within each user's access."""
from __future__ import annotations

import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from trato import roles, session
from trato_invoicing.billing import statement

import test_billing_support
from test_billing_support import customer, eur, issued, pay, standing

invoicing_app = test_billing_support.invoicing_app  # the app in the euro, for the conftest's

TODAY = date.today()


def extracted_text(pdf: bytes) -> str:
    """The PDF's text, as poppler's pdftotext reads it."""
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
                          ).stdout.decode()
ES = {"Accept-Language": "es"}


@pytest.fixture
def admin(make_user, invoicing_app):
    return make_user(admin=True, app=invoicing_app)


def test_recording_a_payment_from_the_invoice_tab(invoicing_app, admin, client_as):
    with invoicing_app.app_context():
        invoice = issued(admin, ("100.00", "IVA21"))
    client = client_as(admin)
    page = client.get(f"/r/invoicing_invoice/{invoice.id}?tab=invoicing-billing-payments")
    assert "Record payment" in page.text and "No payments yet." in page.text
    refused = client.post(f"/invoicing/billing/invoices/{invoice.id}/payments",
                          data={"payment_date": TODAY.isoformat(), "amount": "200", "method": "transfer"})
    assert refused.status_code == 422
    assert 'id="payment-amount-error"' in refused.text and "larger than the balance" in refused.text
    done = client.post(f"/invoicing/billing/invoices/{invoice.id}/payments",
                       data={"payment_date": TODAY.isoformat(), "amount": "21,00", "method": "card",
                             "reference": "TPV 0042"}, headers=ES)
    assert done.status_code == 302 and "tab=invoicing-billing-payments" in done.location
    shown = client.get(done.location, headers=ES).text
    assert "TPV 0042" in shown and "Tarjeta" in shown and "Registrar cobro" in shown
    with invoicing_app.app_context():
        assert standing(invoice.id) == (eur("21.00"), eur("100.00"), "partly_paid")


def test_the_statement_runs_the_balance_over_invoices_and_payments(ctx, admin, api_client_as):
    account = customer()
    older = issued(admin, ("100.00", "IVA21"), account=account, on=TODAY - timedelta(days=60))
    pay(admin, older, "21.00", on=TODAY - timedelta(days=50))
    newer = issued(admin, ("200.00", "IVA21"), account=account, on=TODAY - timedelta(days=10))
    pay(admin, newer, "42.00", on=TODAY - timedelta(days=5))
    pay(admin, older, "30.00", on=TODAY - timedelta(days=2))  # in the period, for an invoice issued before it
    other = issued(admin, ("500.00", "IVA21"), account=customer(), on=TODAY - timedelta(days=40))
    pay(admin, other, "100.00", on=TODAY - timedelta(days=35))  # another customer's: in neither sum
    found = statement.for_account(account.id, (TODAY - timedelta(days=30)).isoformat(), None, user=admin)
    (ledger,) = found.ledgers
    assert ledger.opening == Decimal("100.00")  # 121.00 less 21.00, before the period
    assert [(e.kind, e.reference, e.charge, e.credit, e.balance) for e in ledger.entries] == [
        ("invoice", newer["number"], Decimal("242.00"), Decimal("0.00"), Decimal("342.00")),
        ("payment", newer["number"], Decimal("0.00"), Decimal("42.00"), Decimal("300.00")),
        ("payment", older["number"], Decimal("0.00"), Decimal("30.00"), Decimal("270.00"))]
    api = api_client_as(admin)
    answer = api.get(f"invoicing/statement/{account.id}?from={(TODAY - timedelta(days=30)).isoformat()}")
    assert answer.status_code == 200
    assert answer.get_json()["ledgers"][0]["closing"] == "270.00"
    refused = api.get(f"invoicing/statement/{account.id}?from=yesterday")
    assert refused.status_code == 422 and "from" in refused.get_data(as_text=True)
    assert api.get("invoicing/statement/999999").status_code == 404


def test_the_statement_page_and_its_pdf(invoicing_app, admin, client_as):
    with invoicing_app.app_context():
        account = customer()
        invoice = issued(admin, ("100.00", "IVA21"), account=account, on=TODAY - timedelta(days=3))
    client = client_as(admin)
    page = client.get(f"/invoicing/billing/statement/{account.id}", headers=ES)
    assert page.status_code == 200 and invoice["number"] in page.text and "Saldo pendiente" in page.text
    refused = client.get(f"/invoicing/billing/statement/{account.id}?from=2026-13-01")
    assert refused.status_code == 422 and 'id="statement-from-error"' in refused.text
    pdf = client.get(f"/invoicing/billing/statement/{account.id}?format=pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    text = extracted_text(pdf.data)
    assert "Statement: Nortech Software" in text and invoice["number"] in text and "121.00" in text


def test_the_account_tab_and_the_home_widgets(invoicing_app, admin, client_as):
    with invoicing_app.app_context():
        account = customer()
        late = issued(admin, ("100.00", "IVA21"), account=account, on=TODAY - timedelta(days=40),
                      payment_term="30 days")
        issued(admin, ("50.00", "IVA21"), account=account)
    client = client_as(admin)
    tab = client.get(f"/r/contacts_account/{account.id}?tab=invoicing-billing-statement-tab").text
    assert late["number"] in tab and "Balance due" in tab
    home = client.get("/", headers=ES).text
    assert "Facturas vencidas" in home and "121,00" in home and "Nortech Software" in home
    assert "121.00" not in client_as("user").get("/").text  # a sales rep sees only the invoices they may


def test_a_widget_whose_figure_the_role_hides_is_left_out(invoicing_app, make_user, client_as):
    rep = make_user(app=invoicing_app)  # the default role, sales_rep
    assert "Billed this month" in client_as(rep).get("/").text
    with invoicing_app.app_context():
        db = session()
        role_id = db.scalar(select(roles.Role.id).where(roles.Role.name == "sales_rep"))
        db.add(roles.RoleFieldRule(role_id=role_id, entity="invoicing_invoice", field="total", rule="hidden"))
        db.commit()
    home = client_as(rep).get("/").text
    assert "Billed this month" not in home and "Top customers this year" not in home
    assert "Overdue invoices" in home  # its figure is the balance, which the role still sees
