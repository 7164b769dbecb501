"""The billing run killed outright (SIGKILL) in the middle and started again, or two runs at once, bill every
due period exactly once: real `trato invoicing bill-subscriptions` processes against the test's database
(SQLite or PostgreSQL)."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from tests.support.live import base_env
from trato import Money, records
from trato_invoicing.models import Invoice
from trato_invoicing.recurring.models import Subscription
from trato_invoicing.recurring.periods import add_months

SUBSCRIPTIONS = 12
PERIODS = 3  # each subscription started two months ago: three periods due today


def _billed(app) -> list[tuple[int, date]]:
    with app.extensions["trato"].sessionmaker() as s:
        return list(s.execute(select(Invoice.subscription_id, Invoice.period_start)
                              .where(Invoice.subscription_id.is_not(None))))


def _run(app, log: str) -> subprocess.Popen[bytes]:
    settings = app.extensions["trato"].settings
    env = base_env(str(settings.instance_path), settings.database_url, "")
    with open(log, "a", encoding="utf-8") as out:
        return subprocess.Popen([sys.executable, "-m", "trato.cli", "invoicing", "bill-subscriptions"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _subscriptions(app) -> date:
    """SUBSCRIPTIONS subscriptions with PERIODS periods due; their start date."""
    start = add_months(date.today(), -(PERIODS - 1))
    with app.app_context():
        tax = records.query("catalog_tax", user=None).where({"code": "IVA21"}).page(limit=1).items[0].id
        account = records.create("contacts_account", {"name": "Gimnasio Ondarreta"}, user=None)
        for n in range(SUBSCRIPTIONS):
            records.create("invoicing_subscription", {
                "name": f"Plan {n}", "account_id": account.id, "frequency": "monthly", "interval": 1,
                "start_date": start, "mode": "draft",
                "lines": [{"description": "Membership", "quantity": "1", "tax_id": tax,
                           "unit_price": Money(Decimal("45.00"), "EUR")}]}, user=None)
    return start


def _each_period_once(app, start: date) -> None:
    billed = _billed(app)
    assert len(billed) == SUBSCRIPTIONS * PERIODS
    assert set(Counter(billed).values()) == {1}
    assert {period for _sub, period in billed} == {add_months(start, k) for k in range(PERIODS)}
    with app.extensions["trato"].sessionmaker() as s:
        assert s.scalar(select(func.count()).where(Subscription.next_date != add_months(start, PERIODS))) == 0


def test_a_run_killed_midway_and_run_again_bills_each_period_once(invoicing_app, tmp_path):
    log = str(tmp_path / "run.log")
    start = _subscriptions(invoicing_app)
    first = _run(invoicing_app, log)
    try:
        end = time.monotonic() + 120
        while len(_billed(invoicing_app)) < 4 and first.poll() is None and time.monotonic() < end:
            time.sleep(0.02)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
    killed_at = len(_billed(invoicing_app))
    assert 0 < killed_at < SUBSCRIPTIONS * PERIODS, open(log).read()[-3000:]
    second = _run(invoicing_app, log)
    assert second.wait(timeout=300) == 0, open(log).read()[-3000:]
    _each_period_once(invoicing_app, start)


def test_two_runs_at_once_bill_each_period_once(invoicing_app, tmp_path):
    log = str(tmp_path / "run.log")
    start = _subscriptions(invoicing_app)
    runs = [_run(invoicing_app, log), _run(invoicing_app, log)]
    assert [run.wait(timeout=300) for run in runs] == [0, 0], open(log).read()[-3000:]
    _each_period_once(invoicing_app, start)
