"""Qualifying a lead: an account (new, or one found by name or tax id), a contact and, optionally, a deal.

One `records.atomic()` block: either every record is made and the lead is
marked converted with links to them, or nothing is written at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from trato import RecordData, SaveRefused, records

from .models import Deal, Lead

ACCOUNT, CONTACT = "contacts_account", "contacts_contact"


class ConversionRefused(SaveRefused):
    """The lead cannot be converted as asked; the message says why."""


@dataclass(frozen=True)
class DealWish:
    name: str
    pipeline_id: int
    stage_id: int
    amount: Any = None
    close_date: Any = None


def account_candidates(lead: RecordData, user: Any) -> list[RecordData]:
    """Accounts the lead's company may already be: same tax id, or a name that starts the same."""
    found: dict[int, RecordData] = {}
    if lead.get("tax_id"):
        for r in records.query(ACCOUNT, user=user).where({"tax_id": lead["tax_id"]}).page(limit=5).items:
            found[r.id] = r
    if lead.get("company"):
        query = records.query(ACCOUNT, user=user).where({"name__startswith": lead["company"].split()[0]})
        for r in query.order_by("name").page(limit=10).items:
            found.setdefault(r.id, r)
    return list(found.values())


def _custom(source: str, target: str, values: RecordData) -> dict[str, Any]:
    """The lead's custom fields that the target entity has too (same name and type): they travel along."""
    registry = current_app.extensions["trato"].entities
    theirs = registry.get(target).fields
    return {name: values[name] for name, f in registry.get(source).fields.items()
            if f.custom and name in theirs and theirs[name].type.name == f.type.name and values.get(name) is not None}


def convert(lead_id: int, *, user: Any, account_id: int | None = None, deal: DealWish | None = None) -> RecordData:
    """Convert the lead; returns it, marked converted and linked to its account, contact and deal."""
    with records.atomic():
        lead = records.get(Lead.__tablename__, lead_id, user=user)
        if lead["status"] == "converted":
            raise ConversionRefused(_("This lead was already converted."))
        owner = {"owner_id": lead["owner_id"]} if lead["owner_id"] else {}
        if account_id is None:
            name = lead["company"] or " ".join(filter(None, (lead["first_name"], lead["last_name"])))
            account = records.create(ACCOUNT, {"name": name, "tax_id": lead["tax_id"],
                                               "phone": lead["phone"] if not lead["company"] else None,
                                               "billing_city": lead["city"], **owner,
                                               **_custom(Lead.__tablename__, ACCOUNT, lead)}, user=user)
            account_id = account.id
        else:
            records.get(ACCOUNT, account_id, user=user)  # one the user may see, or RecordNotFound
        contact = records.create(CONTACT, {
            "first_name": lead["first_name"], "last_name": lead["last_name"], "email": lead["email"],
            "phone": lead["phone"], "job_title": lead["job_title"], "city": lead["city"], "account_id": account_id,
            **owner, **_custom(Lead.__tablename__, CONTACT, lead)}, user=user)
        made_deal = None
        if deal is not None:
            made_deal = records.create(Deal.__tablename__, {
                "name": deal.name, "account_id": account_id, "pipeline_id": deal.pipeline_id,
                "stage_id": deal.stage_id, "amount": deal.amount, "close_date": deal.close_date, **owner,
                **_custom(Lead.__tablename__, Deal.__tablename__, lead)}, user=user)
            records.create("sales_deal_contact", {"deal_id": made_deal.id, "contact_id": contact.id,
                                                  "role": "decision_maker"}, user=user)
        return records.update(Lead.__tablename__, lead_id, {
            "status": "converted", "converted_at": datetime.now(timezone.utc), "account_id": account_id,
            "contact_id": contact.id, "deal_id": made_deal.id if made_deal else None}, user=user,
            version=lead.version)
