"""Payments keep an issued invoice's paid, balance and status right, refuse what does not fit at the field,
and two recorded at once both count."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from sqlalchemy import update

from trato import Money, ValidationFailed, records, session
from trato_invoicing.billing import balances
from trato_invoicing.billing.models import Instalment
from trato_invoicing.issuing import create_invoice

import test_billing_support
from test_billing_support import credit_note, customer, eur, issued, pay, standing, tax

invoicing_app = test_billing_support.invoicing_app  # the app in the euro, for the conftest's


@pytest.fixture
def admin(make_user, invoicing_app):
    return make_user(admin=True, app=invoicing_app)


def refusal(call) -> dict:
    with pytest.raises(ValidationFailed) as refused:
        call()
    return refused.value.errors


def test_payments_move_the_invoice_from_unpaid_to_partly_paid_to_paid(ctx, admin):
    invoice = issued(admin, ("100.00", "IVA21"), ("50.00", "IVA10"))  # 121 + 55 = 176.00
    assert standing(invoice.id) == (eur("0.00"), eur("176.00"), "unpaid")
    first = pay(admin, invoice, "76.00")
    assert standing(invoice.id) == (eur("76.00"), eur("100.00"), "partly_paid")
    second = pay(admin, invoice, "100.00", method="card")
    assert standing(invoice.id) == (eur("176.00"), eur("0.00"), "paid")
    records.update("invoicing_payment", second.id, {"amount": eur("60.00")}, user=admin, version=second.version)
    assert standing(invoice.id) == (eur("136.00"), eur("40.00"), "partly_paid")
    records.delete("invoicing_payment", first.id, user=admin)
    assert standing(invoice.id) == (eur("60.00"), eur("116.00"), "partly_paid")


def test_what_does_not_fit_is_refused_at_its_field_and_nothing_is_written(ctx, admin):
    invoice = issued(admin, ("100.00", "IVA21"))
    assert "larger than the balance" in refusal(lambda: pay(admin, invoice, "121.01"))["amount"][0]
    assert "refund" in refusal(lambda: pay(admin, invoice, "-5.00"))["amount"][0]
    assert "zero" in refusal(lambda: pay(admin, invoice, "0"))["amount"][0]
    in_dollars = {"invoice_id": invoice.id, "payment_date": date.today(), "amount": Money(eur("5").amount, "USD"),
                  "method": "cash"}
    assert "EUR" in refusal(lambda: records.create("invoicing_payment", in_dollars, user=admin))["amount"][0]
    draft = create_invoice({"kind": "invoice", "account_id": customer("Otra", "B95472163").id,
                            "issue_date": date.today()},
                           [{"description": "x", "quantity": "1", "unit_price": {"amount": "10", "currency": "EUR"},
                             "tax_id": tax("IVA21")}], user=admin)
    assert "issued invoices only" in refusal(lambda: pay(admin, draft, "1.00"))["invoice_id"][0]
    pay(admin, invoice, "121.00")
    assert "Nothing is owed" in refusal(lambda: pay(admin, invoice, "0.01"))["amount"][0]
    assert records.query("invoicing_payment", user=None).count().value == 1
    assert standing(invoice.id) == (eur("121.00"), eur("0.00"), "paid")


def test_the_api_refuses_a_payment_beyond_the_balance_naming_the_field(invoicing_app, admin, api_client_as):
    with invoicing_app.app_context():
        invoice = issued(admin, ("100.00", "IVA21"))
    api = api_client_as(admin)
    body = {"invoice_id": invoice.id, "payment_date": date.today().isoformat(), "method": "transfer",
            "amount": {"amount": "121.01", "currency": "EUR"}}
    refused = api.post("invoicing_payment", json=body)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert "larger than the balance" in refused.get_data(as_text=True) and '"amount"' in refused.get_data(as_text=True)
    taken = api.post("invoicing_payment", json={**body, "amount": {"amount": "121.00", "currency": "EUR"}})
    assert taken.status_code == 201
    with invoicing_app.app_context():
        assert standing(invoice.id) == (eur("121.00"), eur("0.00"), "paid")


def test_an_invoice_past_its_due_date_is_overdue_until_paid(ctx, admin):
    invoice = issued(admin, ("100.00", "IVA21"), on=date.today() - timedelta(days=45), payment_term="30/60 days")
    assert standing(invoice.id)[2] == "overdue"  # the first half fell due 15 days ago
    pay(admin, invoice, "60.49")
    assert standing(invoice.id)[2] == "overdue"
    pay(admin, invoice, "0.01")
    assert standing(invoice.id) == (eur("60.50"), eur("60.50"), "partly_paid")  # the second half is not due yet


def test_the_nightly_task_marks_invoices_that_fell_due(ctx, admin):
    invoice = issued(admin, ("100.00", "IVA21"), payment_term="30 days")
    assert standing(invoice.id)[2] == "unpaid"
    session().execute(update(Instalment).where(Instalment.invoice_id == invoice.id)  # a month goes by
                      .values(due_date=date.today() - timedelta(days=1)))
    session().commit()
    assert balances.outstanding_due(date.today()) == [invoice.id]
    ctx.extensions["trato"].tasks["invoicing.mark_overdue"]()
    assert standing(invoice.id)[2] == "overdue"
    assert balances.outstanding_due(date.today()) == []


def test_a_payment_restored_from_the_bin_counts_again_by_the_next_night(ctx, admin):
    invoice = issued(admin, ("100.00", "IVA21"))
    payment = pay(admin, invoice, "21.00")
    records.delete("invoicing_payment", payment.id, user=admin)
    assert standing(invoice.id)[0] == eur("0.00") and balances.out_of_step() == []
    records.restore("invoicing_payment", payment.id, user=admin)  # the core calls no hook on a restore
    assert balances.out_of_step() == [invoice.id]
    ctx.extensions["trato"].tasks["invoicing.mark_overdue"]()
    assert standing(invoice.id) == (eur("21.00"), eur("100.00"), "partly_paid")
    assert balances.out_of_step() == []


def test_a_refund_is_a_negative_payment_on_a_rectifying_invoice(ctx, admin):
    invoice = issued(admin, ("100.00", "IVA21"))
    pay(admin, invoice, "121.00")
    credit = credit_note(admin, invoice, ("100.00", "IVA21"))
    assert standing(credit.id) == (eur("0.00"), eur("-121.00"), "unpaid")
    assert "larger than the balance" in refusal(lambda: pay(admin, credit, "-121.01"))["amount"][0]
    pay(admin, credit, "-121.00", method="transfer")
    assert standing(credit.id) == (eur("-121.00"), eur("0.00"), "paid")


def test_two_payments_at_once_both_count(invoicing_app, admin):
    with invoicing_app.app_context():
        invoice = issued(admin, ("1000.00", "IVA21"))  # 1,210.00
    barrier, outcomes = threading.Barrier(4), []

    def record(amount: str) -> None:
        with invoicing_app.app_context():
            barrier.wait()
            try:
                pay(None, invoice, amount)
                outcomes.append(amount)
            except ValidationFailed as refused:
                outcomes.append(refused.errors["amount"][0])

    threads = [threading.Thread(target=record, args=(amount,)) for amount in ("400.00", "300.00", "200.00", "500.00")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    paid = [amount for amount in outcomes if not amount.startswith("The payment")]
    with invoicing_app.app_context():
        total_paid = sum((eur(amount) for amount in paid), eur("0"))
        assert standing(invoice.id) == (total_paid, eur("1210.00") - total_paid,
                                        "paid" if total_paid == eur("1210.00") else "partly_paid")
        assert len(records.query("invoicing_payment", user=None).page().items) == len(paid) == 3
