"""A small plugin listening to `invoice_issued`, for test_issuing_hook.py.

A module of its own, not the test module: the plugin host imports its hooks by name, and a test module that
pytest imported under another name would be a second copy with its own `Refused` and `SEEN`.
"""
from typing import Any

from trato import Plugin, RecordData, hookimpl, records

SEEN: list[tuple[str, str, Any]] = []
spy = Plugin(name="spy", label="Spy", hooks="issuing_spy", requires=("invoicing",))


class Refused(Exception):
    """What the listener raises for an invoice it will not have issued."""


@hookimpl(optionalhook=True)
def invoice_issued(invoice: RecordData, user: Any) -> None:
    stored = records.get("invoicing_invoice", invoice.id, user=None)   # in the same transaction: issued
    SEEN.append((invoice["number"], stored["status"], user))
    if invoice["total"].amount > 1000:
        raise Refused(invoice["number"])
