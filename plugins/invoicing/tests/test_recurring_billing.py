"""Subscriptions billed by the run: one invoice per due period (catching up several), issued and emailed or
left as drafts, never a period twice; plan changes prorated onto the next invoice; the schema as the models."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from trato import Money, records, session
from trato.testing import migration_drift

from trato_invoicing.recurring import billing
from trato_invoicing.recurring.models import Adjustment
from trato_invoicing.recurring.periods import add_months, period_at, period_containing

SUB = "invoicing_subscription"
INVOICE = "invoicing_invoice"


def tax(code: str) -> int:
    return records.query("catalog_tax", user=None).where({"code": code}).page(limit=1).items[0].id


def make_subscription(*, start: date, price: str = "100.00", frequency: str = "monthly", mode: str = "draft",
                      end: date | None = None, email: str | None = None, name: str = "Hosting") -> int:
    account = records.create("contacts_account", {"name": f"{name} customer", "tax_id": "B12345674",
                                                  "email": email}, user=None)
    values = {"name": name, "account_id": account.id, "frequency": frequency, "interval": 1, "start_date": start,
              "mode": mode, "end_date": end,
              "lines": [{"description": "Plan", "quantity": "1", "unit_price": Money(Decimal(price), "EUR"),
                         "tax_id": tax("IVA21")}]}
    return records.create(SUB, values, user=None).id


def invoices_of(subscription_id: int) -> list:
    return records.query(INVOICE, user=None).where({"subscription_id": subscription_id}) \
        .order_by("period_start").page(limit=100).items


def test_periods_keep_the_start_day_through_short_months():
    start = date(2027, 1, 31)
    assert add_months(start, 1) == date(2027, 2, 28)
    assert period_at(start, date(2027, 2, 28), 1).end == date(2027, 3, 30)
    assert period_at(start, date(2027, 1, 31), 3).end == date(2027, 4, 29)
    assert period_containing(date(2027, 1, 15), date(2027, 3, 10), 1).start == date(2027, 2, 15)
    assert period_containing(date(2027, 1, 15), date(2027, 1, 10), 1) is None


def test_the_migration_matches_the_models(invoicing_app):
    mine = ("invoicing_subscription", "invoicing_quote_link", "invoicing_quote_response")
    assert [d for d in migration_drift(invoicing_app, "invoicing_") if any(t in str(d) for t in mine)] == []


def test_each_due_period_is_billed_once_as_a_draft_with_its_period(ctx):
    today = date.today()
    start = add_months(today, -2)  # three periods due: two months ago, last month, this month
    subscription_id = make_subscription(start=start)
    assert records.get(SUB, subscription_id, user=None)["next_date"] == start
    assert billing.bill_due(today) == 3
    assert billing.bill_due(today) == 0  # a second run finds nothing due
    invoices = invoices_of(subscription_id)
    assert [i["period_start"] for i in invoices] == [start, add_months(start, 1), add_months(start, 2)]
    assert [i["period_end"] for i in invoices] == [add_months(start, 1) - timedelta(days=1),
                                                   add_months(start, 2) - timedelta(days=1),
                                                   add_months(start, 3) - timedelta(days=1)]
    assert {i["status"] for i in invoices} == {"draft"}
    assert [i["net_amount"] for i in invoices] == [Money(Decimal("100.00"), "EUR")] * 3
    assert invoices[0]["total"] == Money(Decimal("121.00"), "EUR")
    assert records.get(SUB, subscription_id, user=None)["next_date"] == add_months(start, 3)


def test_an_ended_subscription_bills_up_to_its_end_and_stops(ctx):
    today = date.today()
    start = add_months(today, -3)
    subscription_id = make_subscription(start=start, end=add_months(start, 1) + timedelta(days=3))
    assert billing.bill_due(today) == 2
    assert records.get(SUB, subscription_id, user=None)["status"] == "ended"


def test_a_paused_subscription_is_not_billed(ctx):
    subscription_id = make_subscription(start=date.today())
    sub = records.get(SUB, subscription_id, user=None)
    records.update(SUB, subscription_id, {"status": "paused"}, user=None, version=sub.version)
    assert billing.bill_due(date.today()) == 0 and invoices_of(subscription_id) == []


def test_bad_values_are_refused_at_their_fields(ctx):
    account = records.create("contacts_account", {"name": "Acme"}, user=None)
    with pytest.raises(records.ValidationFailed) as refused:
        records.create(SUB, {"name": "X", "account_id": account.id, "frequency": "monthly", "interval": 0,
                             "start_date": date(2027, 5, 1), "end_date": date(2027, 4, 1), "mode": "draft"},
                       user=None)
    assert set(refused.value.errors) == {"interval", "end_date"}
    assert records.query(SUB, user=None).count().value == 0


def test_a_plan_raised_mid_period_bills_the_difference_for_the_days_left(ctx):
    today = date.today()
    start = today - timedelta(days=10)
    subscription_id = make_subscription(start=start, price="300.00")
    assert billing.bill_due(today) == 1
    period = period_containing(start, today, 1)
    sub = records.get(SUB, subscription_id, user=None)
    line = records.lines(SUB, subscription_id, user=None)["invoicing_subscription_line"][0]
    records.update(SUB, subscription_id, {"lines": [{"id": line.id, "unit_price": Money(Decimal("600.00"), "EUR")}]},
                   user=None, version=sub.version)
    left = (period.end - today).days + 1
    expected = (Decimal(300) * left / period.days).quantize(Decimal("0.01"))
    adjustment = session().scalars(select(Adjustment)).one()
    assert adjustment.amount == expected and adjustment.invoice_id is None
    assert f"{left} of {period.days} days" in adjustment.description
    assert billing.bill_due(period.end + timedelta(days=1)) == 1
    second = invoices_of(subscription_id)[-1]
    assert second["net_amount"] == Money(Decimal("600.00") + expected, "EUR")
    assert session().scalars(select(Adjustment)).one().invoice_id == second.id


def test_a_plan_lowered_mid_period_is_credited_on_the_next_invoice(ctx):
    today = date.today()
    start = today - timedelta(days=3)
    subscription_id = make_subscription(start=start, price="90.00")
    billing.bill_due(today)
    period = period_containing(start, today, 1)
    sub = records.get(SUB, subscription_id, user=None)
    line = records.lines(SUB, subscription_id, user=None)["invoicing_subscription_line"][0]
    records.update(SUB, subscription_id, {"lines": [{"id": line.id, "quantity": "0.5"}]}, user=None,
                   version=sub.version)
    left = (period.end - today).days + 1
    credit = session().scalars(select(Adjustment)).one()
    assert credit.amount == -(Decimal(45) * left / period.days).quantize(Decimal("0.01"))
    sub = records.get(SUB, subscription_id, user=None)
    records.update(SUB, subscription_id, {"name": "Hosting (renamed)"}, user=None, version=sub.version)
    assert len(session().scalars(select(Adjustment)).all()) == 1  # a change that leaves the lines adds nothing


def test_the_subscription_pages_in_spanish(invoicing_app, client_as):
    client = client_as("admin")
    spanish = {"Accept-Language": "es"}
    listing = client.get("/r/invoicing_subscription/", headers=spanish)
    assert listing.status_code == 200 and "Suscripciones" in listing.text
    form = client.get("/r/invoicing_subscription/new", headers=spanish)
    assert form.status_code == 200 and "Periodicidad" in form.text and "Fecha de la próxima factura" in form.text


def test_the_periodic_task_bills_what_is_due(ctx):
    subscription_id = make_subscription(start=date.today())
    ctx.extensions["trato"].tasks["invoicing.bill_subscriptions"]()
    assert [i["period_start"] for i in invoices_of(subscription_id)] == [date.today()]
