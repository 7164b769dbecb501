"""Hooks that contacts offers to other plugins (implement them with `@hookimpl(optionalhook=True)`).

`duplicate_finders`, which Contacts' duplicate tools call, is the core's (docs/hooks.md): the import uses it too.
"""
from __future__ import annotations

from typing import Any

from trato import RecordData, hookspec


@hookspec
def personal_data(contact: RecordData, user: Any) -> dict[str, Any] | None:
    """What the plugin holds on a person, for their data export (GDPR right of access).

    `contact` is the contacts_contact record, as `user` may see it. Return a
    dict of sections, each a name (e.g. "deals") and JSON-ready data (lists of
    dicts of strings and numbers, ISO dates), or None when the plugin holds
    nothing on them. Contacts puts each section into the export under its name.
    """


@hookspec
def erase_personal_data(contact: RecordData, user: Any) -> None:
    """Erase what the plugin holds on a person whose data Contacts is erasing (GDPR right to erasure).

    Called inside the erasure's transaction, after the contact is anonymised
    (`contact` is the record as it is now, `user` who erases): clear or
    anonymise the plugin's records about them through `trato.records`, and
    call `trato.privacy.redact(entity, id, user=user, fields=...)` for each
    whose audit history carries their values (a lead they were converted
    from, say). Raising undoes the whole erasure.
    """
