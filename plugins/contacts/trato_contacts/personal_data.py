"""A person's data under the GDPR: everything held on them as one JSON document, and their erasure.

The export gathers the contact's fields, the history of its consent fields
from the audit history, what hangs on the contact in the core's tables
(notes, activity and attachment metadata, tags) and what other plugins hold
through the `personal_data` hook. Erasure anonymises the contact through the
record service, erases the old values from the audit history and every other
copy the core keeps (`trato.privacy.redact`), lets other plugins erase what
they hold (the `erase_personal_data` hook), and keeps the business records
that point at it; all in one transaction.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from trato import Money, RecordData, access, call_hook, extras, privacy, records

from .models import Contact

ENTITY = Contact.__tablename__
CONSENT_FIELDS = ("marketing_consent", "consent_date", "consent_source", "consent_text")
# Cleared by an erasure: what identifies or describes the person, beyond their role at an account.
ERASED = ("first_name", "email", "email2", "phone", "mobile", "street", "city", "postcode", "country", "birthday",
          "language", "description", "consent_date", "consent_source", "consent_text")
# Replaced rather than cleared; with ERASED and the custom fields, what the audit history no longer shows.
REPLACED = ("last_name", "marketing_consent")
# What hangs on the contact, read through `trato.extras`, with the attributes an export shows.
HANGING = {
    "notes": (extras.notes, ("id", "created_at", "edited_at", "body")),
    "activities": (extras.activities, ("id", "kind", "subject", "description", "due_at", "done_at", "created_at")),
    "attachments": (extras.attachments, ("id", "file_name", "content_type", "size", "created_at")),
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


def _hanging(contact_id: int, user: Any) -> dict[str, list[dict[str, Any]]]:
    found = {section: [jsonable({name: getattr(item, name) for name in shown})
                       for item in read(ENTITY, contact_id, user)]
             for section, (read, shown) in HANGING.items()}
    found["tags"] = [{"tag": tag} for tag in extras.tags(ENTITY, contact_id, user)]
    return found


def consent_history(contact_id: int, user: Any) -> list[dict[str, Any]]:
    """Each change of the consent fields, oldest first, from the audit history."""
    history = []
    for entry in extras.history(ENTITY, contact_id, user):  # without the fields the user's role hides
        changed = {k: {"from": old, "to": new} for k, (old, new) in entry.changes.items() if k in CONSENT_FIELDS}
        if changed:
            history.append({"at": jsonable(entry.at), "action": entry.action, "changes": changed})
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
        **_hanging(contact_id, user),
    }
    results = call_hook("personal_data", contact=contact, user=user)
    for sections in results:
        for name, data in (sections or {}).items():
            document.setdefault(name, jsonable(data))
    return document


def _custom_fields() -> list[str]:
    """The custom fields an administrator added to contacts that describe the person: all but the required ones
    and the links to other records (relations, users), which the business records need."""
    entity = records.entity(ENTITY)
    return [f.name for f in entity.fields.values()
            if f.custom and not f.required and "target" not in f.settings and f.type.name != "user"]


def erase(contact_id: int, user: Any, version: int | None = None) -> RecordData:
    """Anonymise the person: name replaced, contact details, address, birthday, consent and the custom fields that
    describe them cleared, consent off; their old values erased from the audit history and the core's other copies.

    The contact stays (deals, activities and notes keep pointing at it). A
    blocked contact is refused like any change (PermissionRefused): unblock
    it first. Other plugins erase what they hold through
    `erase_personal_data`. All of it commits together, or nothing does.
    """
    custom = _custom_fields()
    values: dict[str, Any] = dict.fromkeys((*ERASED, *custom))
    values |= {"last_name": _("Erased person #%(id)s", id=contact_id), "marketing_consent": False}
    with records.atomic():
        erased = records.update(ENTITY, contact_id, values, user=user, version=version)
        privacy.redact(ENTITY, contact_id, user=user, fields=(*ERASED, *REPLACED, *custom))
        call_hook("erase_personal_data", contact=erased, user=user)
    return erased
