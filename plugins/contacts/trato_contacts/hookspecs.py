"""Hooks that contacts offers to other plugins (implement them with `@hookimpl(optionalhook=True)`)."""
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
