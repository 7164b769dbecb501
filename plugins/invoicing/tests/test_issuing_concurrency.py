"""50 issuers at once on PostgreSQL, a random third of them rolled back after issuing: the committed invoices
carry exactly 1..N of their series, no gap and no duplicate (the number is taken in the issuing transaction,
the series row locked until it ends)."""
import random
import threading
from datetime import date

import pytest

from trato import records
from trato_invoicing.issuing import create_invoice, issue

from test_documents_support import customer, line

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app

ISSUERS = 50


class RolledBack(Exception):
    """What a issuer raises to roll its transaction back after the invoice was issued in it."""


def test_concurrent_issuers_leave_no_gap_and_no_duplicate(spain_app, trato_db_url):
    if not trato_db_url.startswith("postgresql"):
        pytest.skip("the series row lock is PostgreSQL's SELECT ... FOR UPDATE; SQLite writers take turns")
    with spain_app.app_context():
        account = customer()
        drafts = [create_invoice({"account_id": account.id, "issue_date": date(2026, 11, 2)},
                                 [line(f"{10 + i}.00")], user=None).id for i in range(ISSUERS)]
    rolled_back = set(random.sample(drafts, ISSUERS // 3))
    start, failures = threading.Barrier(ISSUERS), []

    def issuer(invoice_id: int) -> None:
        with spain_app.app_context():
            start.wait()
            try:
                with records.atomic():
                    issue(invoice_id, user=None)
                    if invoice_id in rolled_back:
                        raise RolledBack
            except RolledBack:
                pass
            except Exception as exc:  # noqa: BLE001 - reported below, with the invoice it concerns
                failures.append((invoice_id, repr(exc)))

    threads = [threading.Thread(target=issuer, args=(invoice_id,)) for invoice_id in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with spain_app.app_context():
        stored = {invoice_id: records.get("invoicing_invoice", invoice_id, user=None) for invoice_id in drafts}
    issued = sorted(r["number"] for r in stored.values() if r["status"] == "issued")
    committed = ISSUERS - len(rolled_back)
    assert issued == [f"F2026-{n:05}" for n in range(1, committed + 1)]
    assert {i for i, r in stored.items() if r["status"] == "draft"} == rolled_back
    assert all(stored[i]["number"] is None for i in rolled_back)
