"""How Contacts plugs into Trato: one function per hook (see Trato's docs/hooks.md)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trato import FieldType, Fragment, NavItem, RecordData, hookimpl, records

from . import demo
from .fieldtypes import TAX_ID
from .models import Account, Contact
from .views import bp


@hookimpl
def entities() -> list[type]:
    return [Account, Contact]


@hookimpl
def field_types() -> list[FieldType]:
    return [TAX_ID]


@hookimpl
def blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def navigation(user: Any) -> list[NavItem]:
    return [NavItem("contacts.accounts", _l("Accounts"), priority=20),
            NavItem("contacts.contacts", _l("Contacts"), priority=21)]


@hookimpl
def dashboard_widgets(user: Any) -> list[Fragment]:
    counts = {}
    for entity in (Account.__tablename__, Contact.__tablename__):
        everyone = records.query(entity, user=user)
        counts[entity] = (everyone.where({"owner_id": user.id}).count(), everyone.count())
    return [Fragment(_l("Accounts and contacts"), "contacts/widget.html", {"counts": counts}, priority=20)]


@hookimpl
def before_save(entity: str, values: dict[str, Any], previous: RecordData | None, user: Any) -> str | None:
    """Consent to marketing email is dated: given without a date, it is dated today."""
    if entity == Contact.__tablename__ and values.get("marketing_consent") and not values.get("consent_date"):
        values["consent_date"] = date.today()
    return None


@hookimpl
def demo_data(session: Session, locale: str) -> None:
    demo.load(session, locale)
