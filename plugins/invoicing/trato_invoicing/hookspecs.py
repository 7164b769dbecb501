"""The hooks Invoicing offers to other plugins and to its own parts (billing, quoting, recurring).

Implement one with `@hookimpl(specname="invoice_issued")` (another plugin: `@hookimpl(optionalhook=True)`,
since invoicing may be absent).
"""
from __future__ import annotations

from typing import Any

from trato import RecordData, hookspec


@hookspec
def invoice_issued(invoice: RecordData, user: Any) -> None:
    """Called when an invoice is issued, inside the issuing transaction, after its number is taken and its tax
    rows are frozen: `invoice` is the issued record (its `number`, `issue_date`, totals and `payment_term_id`
    set; `status` "issued"), `user` who issues it. Billing computes the due date and the instalments here.
    Raising refuses the issue: the whole transaction, number included, is rolled back. Changes to the
    invoice itself may touch only its unlocked fields (paid, balance, payment_status, due_date)."""
