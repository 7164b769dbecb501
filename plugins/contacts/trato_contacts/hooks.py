"""How Contacts plugs into Trato: one function per hook (see Trato's docs/hooks.md)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trato import ApiAction, FieldType, Fragment, NavItem, RecordData, access, hookimpl, privacy, records

from . import demo, duplicates, hierarchy, merge_api
from .fieldtypes import TAX_ID
from .following import page_slot  # noqa: F401 (hook: Follow and Unfollow on contact lists)
from .form_warning import reasons_of, warning
from .models import Account, Contact
from .views import bp


@hookimpl
def entities() -> list[type]:
    return [Account, Contact]


@hookimpl
def field_types() -> list[FieldType]:
    return [TAX_ID]


@hookimpl
def api_actions() -> list[ApiAction]:
    """POST /api/v1/contacts_contact/<id>/merge and /api/v1/contacts_account/<id>/merge."""
    return merge_api.actions()


@hookimpl
def blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def navigation(user: Any) -> list[NavItem]:
    """Accounts and contacts on the generic list pages."""
    area = _l("Customers")
    return [NavItem("records.listing", _l("Accounts"), priority=20, icon="building", group=area,
                    values={"entity": Account.__tablename__}),
            NavItem("records.listing", _l("Contacts"), priority=21, icon="address-book", group=area,
                    values={"entity": Contact.__tablename__})]


@hookimpl
def dashboard_widgets(user: Any) -> list[Fragment]:
    counts = {}
    for entity in (Account.__tablename__, Contact.__tablename__):
        everyone = records.query(entity, user=user)
        counts[entity] = (everyone.where({"owner_id": user.id}).count(), everyone.count())
    return [Fragment(_l("Accounts and contacts"), "contacts/widget.html", {"counts": counts}, priority=20)]


@hookimpl
def before_save(entity: str, values: dict[str, Any], previous: RecordData | None, user: Any) -> str | None:
    """Consent is dated (given without a date, it is dated today); a new record from the form warns of duplicates.

    The warning covers the entities of other plugins too (leads), those they offer a duplicate finder for.
    """
    if entity == Contact.__tablename__ and values.get("marketing_consent") and not values.get("consent_date"):
        values["consent_date"] = date.today()
    if previous is None:
        return warning(entity, values, user)
    return None


@hookimpl
def detail_panels(entity: str, record: RecordData, user: Any) -> list[Fragment]:
    """An account's group as a tree; a contact's vCard, data export and erasure; likely duplicates.

    The duplicates panel shows on the pages of every entity with a duplicate finder (other plugins' too).
    """
    panels = []
    if entity == Account.__tablename__:
        root = hierarchy.tree(record, user)
        if root is not None:
            panels.append(Fragment(_l("Group"), "contacts/tree.html", {"root": root}, priority=30))
    elif entity == Contact.__tablename__:
        panels.append(Fragment(_l("Personal data"), "contacts/person.html", {
            "record_id": record.id, "version": record.version,
            "can_erase": access.allowed(user, entity, "edit", record)}, priority=80))
        panels.append(privacy.block_panel(entity, record, user))
    found = duplicates.find(entity, record, user, exclude=record.id)
    if found:
        panels.append(Fragment(_l("Likely duplicates"), "contacts/duplicates.html", {
            "candidates": found, "entity": entity, "record_id": record.id, "reasons_of": reasons_of,
            "title_of": lambda r: duplicates.title(r.entity, r), "kind_of": duplicates.kind}, priority=40))
    return panels


@hookimpl(tryfirst=True)
def duplicate_finders() -> dict[str, Any]:
    """Contacts' and accounts' likely duplicates (email, phone, name, tax ID): for Contacts' own duplicate tools
    and the core's import (`--on-match`). Called first, so no other plugin's finder replaces them."""
    return duplicates.own_finders()


@hookimpl
def demo_data(session: Session, locale: str) -> None:
    demo.load(session, locale)
