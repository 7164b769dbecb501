"""A person's data under the GDPR: everything held on them as one JSON document, and their erasure.

The export gathers the contact's fields, the history of its consent fields
from the audit history, what hangs on the contact in the core's tables
(notes, activity and attachment metadata, tags) and what other plugins hold
through the `personal_data` hook. Erasure anonymises the contact through the
record service (audited) and keeps the business records that point at it.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from trato import Base, Money, RecordData, access, records
from trato import session as db_session

from .models import Contact

ENTITY = Contact.__tablename__
CONSENT_FIELDS = ("marketing_consent", "consent_date", "consent_source", "consent_text")
# Cleared by an erasure: what identifies or describes the person, beyond their role at an account.
ERASED = ("first_name", "email", "email2", "phone", "mobile", "street", "city", "postcode", "country", "birthday",
          "language", "consent_date", "consent_source", "consent_text")
# The core's tables read by name, with the columns an export shows (the core has no public reader for them).
HANGING = {
    "notes": ("core_note", ("id", "created_at", "edited_at", "body")),
    "activities": ("core_activity", ("id", "kind", "subject", "description", "due_at", "done_at", "created_at")),
    "attachments": ("core_attachment", ("id", "file_name", "content_type", "size", "created_at")),
    "tags": ("core_tag", ("tag",)),
}


def jsonable(value: Any) -> Any:
    """A value as JSON: dates in ISO 8601, decimals and money as text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _hanging(contact_id: int) -> dict[str, list[dict[str, Any]]]:
    found = {}
    session = db_session()
    for section, (name, columns) in HANGING.items():
        table = Base.metadata.tables.get(name)
        if table is None:
            continue
        rows = session.execute(select(*(table.c[c] for c in columns))
                               .where(table.c.entity == ENTITY, table.c.record_id == contact_id)
                               .order_by(table.c[columns[0]])).mappings()
        found[section] = [jsonable(dict(row)) for row in rows]
    return found


def consent_history(contact_id: int, user: Any) -> list[dict[str, Any]]:
    """Each change of the consent fields, oldest first, from the audit history."""
    table = Base.metadata.tables.get("core_audit")
    if table is None:
        return []
    visible = set(CONSENT_FIELDS) - access.hidden_fields(user, ENTITY)
    rows = db_session().execute(select(table.c.at, table.c.action, table.c.changes)
                                .where(table.c.entity == ENTITY, table.c.record_id == contact_id)
                                .order_by(table.c.at, table.c.id)).mappings()
    history = []
    for row in rows:
        changed = {k: {"from": v[0], "to": v[1]} for k, v in (row["changes"] or {}).items() if k in visible}
        if changed:
            history.append({"at": jsonable(row["at"]), "action": row["action"], "changes": changed})
    return history


def export(contact_id: int, user: Any) -> dict[str, Any]:
    """Everything held on the person, as a JSON-ready dict (RecordNotFound if `user` may not see them)."""
    contact = records.get(ENTITY, contact_id, user=user)
    shown = access.without_hidden(user, ENTITY, contact)
    account = None
    if contact.get("account_id"):
        found = records.query("contacts_account", user=user).where({"id": contact["account_id"]}).page(limit=1)
        account = {"id": contact["account_id"], "name": found.items[0]["name"]} if found.items else None
    document: dict[str, Any] = {
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "contact": jsonable(shown),
        "account": account,
        "consent_history": consent_history(contact_id, user),
        **_hanging(contact_id),
    }
    results = current_app.extensions["trato"].plugins.hook.personal_data(contact=contact, user=user)
    for sections in results:
        for name, data in (sections or {}).items():
            document.setdefault(name, jsonable(data))
    return document


def erase(contact_id: int, user: Any, version: int | None = None) -> RecordData:
    """Anonymise the person: name replaced, contact details, address, birthday and consent cleared, consent off.

    The contact stays (deals, activities and notes keep pointing at it); the
    audit history records the erasure like any other change.
    """
    values: dict[str, Any] = dict.fromkeys(ERASED)
    values |= {"last_name": _("Erased person #%(id)s", id=contact_id), "marketing_consent": False}
    return records.update(ENTITY, contact_id, values, user=user, version=version)
