"""Billing's home-page widgets, built on `records.aggregate` so that each user sees only the invoices and the
fields their access allows (docs/aggregates.md): billed this month, overdue, and the year's top customers."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from trato import Fragment, access, records

INVOICE = "invoicing_invoice"
TOP = 5


def _sum(rows: list[Any], measure: str) -> dict[str, Decimal]:
    """Money summed per currency over the buckets."""
    found: dict[str, Decimal] = {}
    for row in rows:
        for currency, amount in (row.values.get(measure) or {}).items():
            found[currency] = found.get(currency, Decimal(0)) + amount
    return found


def billed_this_month(user: Any, today: date) -> Fragment:
    rows = records.aggregate(INVOICE, user=user, group_by=[], measures=["count", "sum:total"],
                             where={"status": "issued", "issue_date__gte": today.replace(day=1).isoformat()})
    return Fragment(_l("Billed this month"), "invoicing/billing/widget_amounts.html",
                    {"count": sum(row.count for row in rows), "amounts": _sum(rows, "sum:total"),
                     "link": ("issue_date__gte", today.replace(day=1).isoformat())}, priority=40)


def overdue(user: Any) -> Fragment:
    rows = records.aggregate(INVOICE, user=user, group_by=[], measures=["count", "sum:balance"],
                             where={"status": "issued", "payment_status": "overdue"})
    return Fragment(_l("Overdue invoices"), "invoicing/billing/widget_amounts.html",
                    {"count": sum(row.count for row in rows), "amounts": _sum(rows, "sum:balance"),
                     "link": ("payment_status", "overdue")}, priority=41)


def top_customers(user: Any, today: date) -> Fragment:
    rows = records.aggregate(INVOICE, user=user, group_by=["account_id", "total:currency"], measures=["sum:total"],
                             where={"status": "issued", "issue_date__gte": today.replace(month=1, day=1).isoformat()})
    ranked = sorted(((row.key["account_id"], currency, amount) for row in rows
                     for currency, amount in (row.values.get("sum:total") or {}).items() if row.key["account_id"]),
                    key=lambda item: -item[2])[:TOP]
    names = {}
    if ranked:
        accounts = records.query("contacts_account", user=user).where(
            {"id__in": ",".join(str(account_id) for account_id, _c, _a in ranked)}).page(limit=TOP).items
        names = {account.id: records.entity("contacts_account").title_of(account) for account in accounts}
    return Fragment(_l("Top customers this year"), "invoicing/billing/widget_top.html",
                    {"rows": [(account_id, names.get(account_id), currency, amount)
                              for account_id, currency, amount in ranked]}, priority=42)


def dashboard(user: Any) -> list[Fragment]:
    """The three widgets for who may see invoices; one whose figure the user's role hides is left out."""
    if not access.allowed(user, INVOICE, "view"):
        return []
    today, shown = date.today(), []
    for make in (lambda: billed_this_month(user, today), lambda: overdue(user), lambda: top_customers(user, today)):
        try:
            shown.append(make())
        except records.HiddenField:
            continue
    return shown
