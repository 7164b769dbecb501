"""What an import does with a row that looks like a record that already exists (`on_match`).

    create   create it anyway (the default)
    skip     leave it out, counted as skipped, naming the record it duplicates
    update   update that record with the row's values instead

Records are matched by the `duplicate_finders` hook: the plugin that owns
the entity says what "looks like" means (Contacts: email, phone, name, tax
ID; Sales: leads and the contacts they already are). Only rows the import
would create are matched: in update and upsert modes a row whose key finds
a record updates it as before. A row skips when anything matches; it
updates only a record of the imported entity (the closest), and is created
when only records of other entities match.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..i18n import _
from ..records import RecordData
from .errors import TransferError

CREATE, SKIP, UPDATE = "create", "skip", "update"
ON_MATCH = (CREATE, SKIP, UPDATE)
Finder = Callable[[Mapping[str, Any], Any], list[Any]]


def finder(entity: str) -> Finder | None:
    """The enabled plugins' finder of `entity`'s duplicates (the first plugin to name it), or None."""
    from ..hooks.calls import call_hook

    for offered in call_hook("duplicate_finders"):
        if offered and entity in offered:
            return offered[entity]  # type: ignore[no-any-return]
    return None


def check(entity: Any, on_match: str) -> str:
    """`on_match` if the import can do it for `entity`; TransferError naming the choices otherwise."""
    if on_match not in ON_MATCH:
        raise TransferError(_("When a row matches an existing record, choose create, skip or update, not "
                              "“%(choice)s”.", choice=on_match))
    if on_match != CREATE and finder(entity.name) is None:
        raise TransferError(_("%(entity)s has no way to find duplicates, so rows can only be created.",
                              entity=entity.plural_text))
    return on_match


def closest(find: Finder, entity: str, values: Mapping[str, Any], user: Any) -> tuple[RecordData | None,
                                                                                        RecordData | None]:
    """The closest existing record like `values` (any entity), and the closest of `entity` itself."""
    candidates = [c.record for c in find(values, user)]
    same = next((record for record in candidates if record.entity == entity), None)
    return (candidates[0] if candidates else None), same
