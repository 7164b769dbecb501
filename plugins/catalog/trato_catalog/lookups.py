"""Reading the catalog's records for the services, through the record service with the caller's access.

`user=None` is the system (jobs, other plugins' computations that already checked access).
"""
from __future__ import annotations

from typing import Any

from trato import RecordData, RecordLink, records

PAGE = 500


def record(entity: str, value: RecordData | RecordLink | int, user: Any) -> RecordData:
    """The record given as itself, a link or an id (RecordNotFound when the user may not see it)."""
    if isinstance(value, RecordData):
        return value
    return records.get(entity, value.id if isinstance(value, RecordLink) else int(value), user=user)


def every(entity: str, where: dict[str, Any], user: Any) -> list[RecordData]:
    """All records of `entity` matching `where` (the catalog's set-up lists are short), in id order."""
    found: list[RecordData] = []
    cursor = None
    while True:
        page = records.query(entity, user=user).where(where).order_by("id").page(limit=PAGE, cursor=cursor)
        found.extend(page.items)
        cursor = page.next_cursor
        if not cursor:
            return found


def customer_terms(customer: RecordLink | None, user: Any) -> RecordData | None:
    """The catalog's terms for a customer (group, fiscal position, VAT number), if any."""
    if customer is None:
        return None
    found = every("catalog_customer_terms", {"customer": str(customer)}, user)
    return found[0] if found else None
