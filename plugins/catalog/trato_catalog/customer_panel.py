"""The catalog's side of a customer: on an account's (or contact's) page, their customer terms (group, fiscal
position, VAT number) and the price lists made for them, without the contacts plugin knowing the catalog."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from trato import Fragment, RecordData, RecordLink, access, records

from .lookups import customer_terms, every

CUSTOMERS = ("contacts_account", "contacts_contact")


def panel(entity: str, record: RecordData, user: Any) -> list[Fragment]:
    if entity not in CUSTOMERS or not access.allowed(user, "catalog_customer_terms", "view"):
        return []
    link = RecordLink(entity, record.id)
    terms = customer_terms(link, user)
    lists = every("catalog_price_list", {"customer": str(link)}, user)
    context = {
        "terms": terms, "price_lists": lists,
        "group": _title("catalog_customer_group", terms["group_id"] if terms else None, user),
        "position": _title("catalog_fiscal_position", terms["fiscal_position_id"] if terms else None, user),
        "add_terms": url_for("records.new", entity="catalog_customer_terms", customer=str(link))
        if terms is None and access.allowed(user, "catalog_customer_terms", "create") else None,
        "price_check": url_for("catalog.price_check_page", customer=str(link)),
    }
    return [Fragment(_l("Prices and taxes"), "catalog/customer_panel.html", context, priority=60)]


def _title(entity: str, record_id: int | None, user: Any) -> str | None:
    if record_id is None:
        return None
    return records.entity(entity).title_of(records.get(entity, record_id, user=user))
