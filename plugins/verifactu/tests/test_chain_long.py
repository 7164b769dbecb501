"""A chain of 10,000 records appended by 8 concurrent writers through the chain's own service (each record in
a transaction of its own; the entry of one issued invoice reused under new numbers, since the chain is what
is tested), checked intact; then one row altered by hand in the database, and the check names that record
and no other."""
import threading
from dataclasses import replace

from trato_verifactu import check
from trato_verifactu.chain import alta_entry, append_entry, issuer_of
from verifactu_support import behind_the_apps_back, chain_of, customer, issued

from trato import records

RECORDS, WRITERS = 10_000, 8


def test_ten_thousand_records_from_eight_writers_then_one_altered_by_hand(vf_app):
    with vf_app.app_context():
        invoice = issued(customer(), "10.00")               # record 1
        issuer = issuer_of(invoice)
        entry = alta_entry(invoice, issuer)
    start, failures = threading.Barrier(WRITERS), []

    def writer(n: int) -> None:
        with vf_app.app_context():
            start.wait()
            for i in range(RECORDS // WRITERS - (n == 0)):
                try:
                    with records.atomic():
                        append_entry(issuer, replace(entry, number=f"W{n}-{i:05}"))
                except Exception as exc:  # noqa: BLE001 - reported below
                    failures.append(repr(exc))
                    return

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with vf_app.app_context():
        (report,) = check.check_all()
        assert (report.intact, report.records) == (True, RECORDS)
        altered = chain_of()[6_789]
        behind_the_apps_back("UPDATE verifactu_record SET number = 'F2027-99999' WHERE id = :id", id=altered.id)
        (report,) = check.check_all()
    assert [(fault.record_id, fault.number, fault.problem) for fault in report.breaks] == [
        (altered.id, "F2027-99999", "its fingerprint does not match its fields: the record was altered")]
