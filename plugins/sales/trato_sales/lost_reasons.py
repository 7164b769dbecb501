"""Why deals are lost: the default list, and the report of lost deals by reason over a period.

The reasons are records of `sales_lost_reason` that administrators keep
(renamed, reordered, retired); the plugin only adds the usual ones once, in
its migration, in the language of whoever installs it. The report is a
`records.aggregate` of the deals the user may see, like every other sales
figure, and leaves amounts (or reasons) out for a role that may not see them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from trato import access, fields, records

from . import reports
from .closing import REASON
from .models import Deal, LostReason

DEFAULTS = (_l("Price"), _l("Chose a competitor"), _l("No budget"), _l("No decision"), _l("Timing"),
            _l("Other reason"))


def default_names(language: str) -> list[str]:
    """The usual reasons in `language`, in their order."""
    with force_locale(language):
        return [str(name) for name in DEFAULTS]


def offered(user: Any) -> list[Any]:
    """The active reasons the user may choose, in their order."""
    return records.query(LostReason.__tablename__, user=user).where({"active": "true"}) \
        .order_by("position,name").page(limit=records.MAX_LIMIT).items


@dataclass
class ReasonRow:
    """The lost deals of one reason (None: lost without one): how many, and their amounts per currency."""

    reason_id: int | None
    name: str = ""
    count: int = 0
    amount: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


@dataclass
class LostReport:
    rows: list[ReasonRow]  # empty when the user's role hides the reason
    total: ReasonRow
    amounts_shown: bool
    reasons_shown: bool


def _names(ids: list[int], user: Any) -> dict[int, str]:
    """The reasons' names, those in the recycle bin included (their deals still count)."""
    names: dict[int, str] = {}
    for deleted in (False, True):
        found = records.query(LostReason.__tablename__, user=user, deleted=deleted).where({"id__in": ids}) \
            .page(limit=len(ids)).items if ids else []
        names.update((r.id, r["name"]) for r in found)
    return names


def lost_by_reason(user: Any, start: date, end: date) -> LostReport:
    """The deals lost from `start` to `end` (by the day they closed) that the user may see, by reason.

    Rows come most frequent first; amounts are summed per currency. A role
    that hides the deal's amount gets counts only, one that hides its reason
    only the total.
    """
    rules = access.field_rules(user, Deal.__tablename__)
    amounts_shown, reasons_shown = rules.get("amount") != "hidden", rules.get(REASON) != "hidden"
    found = records.aggregate(Deal.__tablename__, user, group_by=[REASON] if reasons_shown else [],
                              measures=["count", "sum:amount"] if amounts_shown else ["count"], where={
                                  "closed_on__gte": start.isoformat(), "closed_on__lte": end.isoformat(),
                                  "stage_id__in": reports.stage_ids("lost")})
    by_reason: dict[int | None, ReasonRow] = {}
    total = ReasonRow(None)
    for bucket in found:
        reason_id = bucket.key.get(REASON)
        row = by_reason.setdefault(reason_id, ReasonRow(reason_id))
        for target in (row, total):
            target.count += bucket.count
            for currency, amount in bucket.values.get("sum:amount", {}).items():
                target.amount[currency or fields.company_currency()] += amount
    if not reasons_shown:
        return LostReport([], total, amounts_shown, reasons_shown)
    names = _names(sorted(i for i in by_reason if i is not None), user)
    for row in by_reason.values():
        row.name = names.get(row.reason_id, "") if row.reason_id is not None else ""
    rows = sorted(by_reason.values(), key=lambda r: (-r.count, r.reason_id is None, r.name))
    return LostReport(rows, total, amounts_shown, reasons_shown)
