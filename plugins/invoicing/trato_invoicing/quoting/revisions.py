"""Quote revisions: a new version of a quote, copied with its lines, the old one kept as it was.

Every revision points at the first version (`revision_of_id`) and keeps its number; its title shows the
revision. `revision`, `revision_of_id` and `number` are fields only the plugin sets (`system_set`), so the
copy is created with them waiting in `PENDING` and `fill` (the before_save hook, after the documents' own)
writes them.
"""
from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import func, select

from trato import RecordData, records, session

from .copying import copied_lines

QUOTE = "invoicing_quote"
LINE = "invoicing_quote_line"
COPIED = ("company_id", "account_id", "contact_id", "deal", "valid_until", "fiscal_position_id", "currency",
          "global_discount", "terms")  # the date is the new revision's own: today
PENDING: ContextVar[dict[str, Any] | None] = ContextVar("invoicing_quote_revision", default=None)


def latest_revision(root_id: int) -> int:
    """The highest revision of the quote whose first version is `root_id` (deleted ones count: a number is
    never given twice)."""
    from ..models import Quote

    found = session().scalar(select(func.max(Quote.revision)).where(
        (Quote.id == root_id) | (Quote.revision_of_id == root_id)))
    return int(found or 1)


def new_revision(quote_id: int, *, user: Any) -> RecordData:
    """Copy the quote and its lines into the next revision, a draft; the quote copied stays unchanged."""
    with records.atomic():
        quote = records.get(QUOTE, quote_id, user=user)
        root_id = quote.get("revision_of_id") or quote.id
        root = quote if root_id == quote.id else records.get(QUOTE, root_id, user=None)
        lines = records.lines(QUOTE, quote_id, user=user).get(LINE, [])
        values = {name: quote.get(name) for name in COPIED if quote.get(name) is not None}
        values["lines"] = copied_lines(LINE, LINE, lines)
        token = PENDING.set({"revision": latest_revision(root_id) + 1, "revision_of_id": root_id,
                             "number": root.get("number")})
        try:
            return records.create(QUOTE, values, user=user)
        finally:
            PENDING.reset(token)


def fill(values: dict[str, Any], previous: RecordData | None) -> None:
    """before_save of a quote: a revision being created gets its revision, first version and number; any
    other new quote is revision 1."""
    if previous is not None:
        return
    pending = PENDING.get()
    if pending is not None:
        values.update(pending)
        values["status"] = "draft"
    elif values.get("revision") is None:
        values["revision"] = 1
