"""A lead's personal data: its erasure (GDPR art. 17), on its own or with the contact it became.

A lead holds what identifies a person (name, email, phone, city) before they
are a contact. Erasing it follows the contacts plugin's contract: the lead is
anonymised through the record service and its old values are erased from the
audit history and the core's other copies (`trato.privacy.redact`), in one
transaction; the lead stays for the sales figures (source, status, score).
When Contacts erases a person, the leads converted into that contact are
erased with it (the `erase_personal_data` hook), or nothing is.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from trato import RecordData, privacy, records

from .models import Lead

LEAD = Lead.__tablename__
# Cleared: what identifies or describes the person. Company, its tax ID and the lead's figures are the business's.
ERASED = ("first_name", "job_title", "email", "phone", "city", "country", "description")
REPLACED = ("last_name",)


def _custom_fields() -> list[str]:
    """Custom fields an administrator added to leads that may describe the person: all but the required ones and
    the links to other records (relations, users)."""
    entity = records.entity(LEAD)
    return [f.name for f in entity.fields.values()
            if f.custom and not f.required and "target" not in f.settings and f.type.name != "user"]


def erase(lead_id: int, user: Any, version: int | None = None) -> RecordData:
    """Anonymise the lead and erase its old values everywhere the core kept them; all of it commits, or nothing.

    A blocked lead is refused like any change (PermissionRefused): unblock it
    first. A stale `version` is a StaleRecord.
    """
    custom = _custom_fields()
    values: dict[str, Any] = dict.fromkeys((*ERASED, *custom))
    values["last_name"] = _("Erased person #%(id)s", id=lead_id)
    with records.atomic():
        erased = records.update(LEAD, lead_id, values, user=user, version=version)
        privacy.redact(LEAD, lead_id, user=user, fields=(*ERASED, *REPLACED, *custom))
    return erased


def erase_converted(contact: RecordData, user: Any) -> None:
    """Erase the leads converted into `contact`, inside Contacts' erasure of that person.

    They are looked for whoever erases (a lead outside their scope still holds
    the person's data); a lead they may not change refuses the whole erasure.
    """
    query = records.query(LEAD, user=None).where({"contact_id": contact.id}).order_by("id")
    cursor = None
    while True:
        page = query.page(limit=100, cursor=cursor)
        for lead in page.items:
            erase(lead.id, user, version=lead.version)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
