"""8 writers at once on PostgreSQL, issuing full and simplified invoices (two series, so the series locks do
not serialise them: only the chain's head does) and cancelling some, a few rolled back after issuing: the
chain stays linear, each record's previous the one before it, no fork, and the check finds it intact."""
import threading
from itertools import pairwise
from datetime import date

import pytest
from trato_invoicing.issuing import create_invoice, issue
from trato_verifactu import cancelling, check
from verifactu_support import chain_of, customer, line

from trato import records

WRITERS, EACH = 8, 6


class RolledBack(Exception):
    """What a writer raises to roll back an issue it made."""


def test_eight_concurrent_writers_leave_a_linear_chain(vf_app, trato_db_url):
    if not trato_db_url.startswith("postgresql"):
        pytest.skip("the chain head's row lock is PostgreSQL's SELECT ... FOR UPDATE; SQLite writers take turns")
    with vf_app.app_context():
        account = customer()
        drafts = [[create_invoice({"account_id": account.id, "issue_date": date(2027, 2, 1),
                                   "kind": "simplified" if (w + i) % 2 else "invoice"},
                                  [line(f"{10 + w}.{i:02}")], user=None).id for i in range(EACH)]
                  for w in range(WRITERS)]
    start, failures = threading.Barrier(WRITERS), []

    def writer(mine: list[int]) -> None:
        with vf_app.app_context():
            start.wait()
            for i, invoice_id in enumerate(mine):
                try:
                    with records.atomic():
                        issue(invoice_id, user=None)
                        if i == 4:
                            raise RolledBack
                    if i == 2:
                        cancelling.cancel(invoice_id, user=None)
                except RolledBack:
                    pass
                except Exception as exc:  # noqa: BLE001 - reported below with the invoice it concerns
                    failures.append((invoice_id, repr(exc)))

    threads = [threading.Thread(target=writer, args=(mine,)) for mine in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with vf_app.app_context():
        chain = chain_of()
        assert len(chain) == WRITERS * (EACH - 1) + WRITERS      # the issues kept, and one cancellation each
        assert [r.position for r in chain] == list(range(1, len(chain) + 1))
        assert chain[0].previous_id is None
        for before, record in pairwise(chain):
            assert (record.previous_id, record.previous_fingerprint) == (before.id, before.fingerprint)
        assert len({r.previous_id for r in chain}) == len(chain)                 # no two share a parent
        assert sorted(r.kind for r in chain).count("anulacion") == WRITERS
        (report,) = check.check_all()
        assert report.intact and report.records == len(chain)
