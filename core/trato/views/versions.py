"""The version a record form was shown with, read back from the post: never missing, never "last write wins".

Every page that changes or deletes a record (the form, an in-place edit, a
kanban drop, a plugin's own) posts the record's `version` back, and the
record service refuses the write if the record moved on since. A post
without it (or with something that is not a version) would skip that check
and overwrite whatever was saved meanwhile, so it is refused the same way
(`MissingVersion` is a `StaleRecord`): the page's own answer to a stale
record applies, with its message, and nothing is written.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import request

from ..entities import Entity
from ..i18n import _
from ..records import StaleRecord


class MissingVersion(StaleRecord):
    """A post that should carry the record's version and does not; nothing was written."""

    def __init__(self, entity: str, record_id: int, deleting: bool = False) -> None:
        super().__init__(entity, record_id, None)
        self.args = (_("This form was sent without the version of the record it was filled in for, so deleting "
                       "it could lose a change made since; nothing was deleted. Look at the record and delete it "
                       "again.") if deleting else
                     _("This form was sent without the version of the record it was filled in for, so saving it "
                       "could undo a change made since; nothing was saved. Check the values and save again."),)


def posted_version(entity: Entity | str, record_id: int, form: Mapping[str, str] | None = None, *,
                   deleting: bool = False) -> int:
    """The `version` the post carries (from `form`, by default the request's); MissingVersion without one."""
    raw = (request.form if form is None else form).get("version", "").strip()
    if not raw.isdigit() or int(raw) < 1:
        raise MissingVersion(entity if isinstance(entity, str) else entity.name, record_id, deleting)
    return int(raw)


def stale_message(exc: StaleRecord, otherwise: str) -> str:
    """What a page tells of a refused stale write: its own `otherwise`, or why, when the post lacked its version."""
    return str(exc) if isinstance(exc, MissingVersion) else otherwise
