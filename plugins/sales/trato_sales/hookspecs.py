"""Hooks that sales offers to other plugins (implement them with `@hookimpl(optionalhook=True)`)."""
from __future__ import annotations

from typing import Any

from trato import RecordData, hookspec


@hookspec
def lead_converted(lead: RecordData, contact: RecordData, account: RecordData | None, deal: RecordData | None,
                   user: Any) -> None:
    """React to a lead that was just converted (from its page, the API or Python).

    Called at the end of the conversion's transaction, before its commit:
    records written here through `trato.records` commit with the conversion,
    and raising undoes all of it. `lead` is the lead as saved (status
    "converted", linked to what it became); `contact` the contact it became
    (new, or the existing one chosen); `account` its account (new, existing,
    or None for a private person converted as a contact only); `deal` the
    deal made with it, or None; `user` who converted it (None: the system).
    """
