"""Tabs that list documents on another record's page: a deal's quotes, a subscription's invoices."""
from __future__ import annotations

from typing import Any

from trato import Fragment, records

TEMPLATE = "invoicing/quoting/documents_tab.html"
SHOWN = 20


def documents_tab(title: Any, entity: str, where: dict[str, Any], user: Any, *, empty: Any,
                  dates: tuple[str, Any], order: str) -> Fragment:
    """The documents of `entity` matching `where` the user may see, newest first (`order`), with a link to
    the whole filtered list when there are more."""
    page = records.query(entity, user=user).where(where).order_by(order).page(limit=SHOWN)
    statuses = {o.value: o.text for o in records.entity(entity).fields["status"].options}
    list_args = {key: str(value) for key, value in where.items()}
    return Fragment(title, TEMPLATE, {"entity": entity, "rows": page.items, "more": page.next_cursor is not None,
                                      "list_args": list_args, "empty": empty, "dates": dates,
                                      "statuses": statuses}, priority=40)
