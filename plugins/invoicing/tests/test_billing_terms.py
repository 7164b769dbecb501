"""Payment terms: the instalments text is checked at its field, and issuing splits the total over dated
instalments that add up to it to the cent, the invoice falling due at the last one."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from trato import ValidationFailed, records, session
from trato_invoicing.billing import terms
from trato_invoicing.billing.models import Instalment

import test_billing_support
from test_billing_support import eur, issued, standing

invoicing_app = test_billing_support.invoicing_app  # the app in the euro, for the conftest's


@pytest.fixture
def admin(make_user, invoicing_app):
    return make_user(admin=True, app=invoicing_app)


@pytest.mark.parametrize("text, shares", [
    ("30:100", [(30, "100")]),
    ("30:50 60:50", [(30, "50"), (60, "50")]),
    ("0:33.33, 30:33.33; 60:33.34", [(0, "33.33"), (30, "33.33"), (60, "33.34")]),
])
def test_instalments_read(ctx, text, shares):
    assert terms.parse(text) == [terms.Share(days, Decimal(percent)) for days, percent in shares]


@pytest.mark.parametrize("text, says", [
    ("", "at least one instalment"), ("30", "not days:percentage"), ("x:50 60:50", "not days:percentage"),
    ("30:60 60:50", "add up to 110"), ("60:50 30:50", "in order of days"), ("30:0 60:100", "above zero"),
    ("30:33.333 60:66.667", "two decimals"), ("99999:100", "between 0 and"), ("30:NaN", "not days:percentage"),
])
def test_bad_instalments_are_refused_at_the_field(ctx, text, says):
    with pytest.raises(ValidationFailed) as refused:
        records.create("invoicing_payment_term", {"name": "Odd", "instalments": text, "active": True}, user=None)
    assert says in " ".join(refused.value.errors["instalments"])
    assert records.query("invoicing_payment_term", user=None).where({"name": "Odd"}).count().value == 0


def test_the_shipped_terms_are_made_and_read(ctx):
    made = {t["name"]: t["instalments"] for t in records.query("invoicing_payment_term", user=None).page().items}
    assert made == {"Cash": "0:100", "30 days": "30:100", "30/60 days": "30:50 60:50",
                    "30/60/90 days": "30:33.33 60:33.33 90:33.34"}
    assert all(terms.parse(text) for text in made.values())


def test_issuing_splits_the_total_into_instalments_that_add_up_to_it(ctx, admin):
    on = date(2026, 11, 2)
    invoice = issued(admin, ("100.00", "IVA21"), on=on, payment_term="30/60/90 days")  # total 121.00
    rows = session().execute(select(Instalment.due_date, Instalment.amount)
                             .where(Instalment.invoice_id == invoice.id).order_by(Instalment.position)).all()
    assert rows == [(on + timedelta(days=30), Decimal("40.33")), (on + timedelta(days=60), Decimal("40.33")),
                    (on + timedelta(days=90), Decimal("40.34"))]
    saved = records.get("invoicing_invoice", invoice.id, user=None)
    assert saved["due_date"] == on + timedelta(days=90)
    assert standing(invoice.id)[:2] == (eur("0.00"), eur("121.00"))


def test_without_a_term_everything_falls_due_on_the_issue_date(ctx, admin):
    invoice = issued(admin, ("10.00", "IVA10"))
    assert records.get("invoicing_invoice", invoice.id, user=None)["due_date"] == date.today()
    assert standing(invoice.id) == (eur("0.00"), eur("11.00"), "unpaid")
