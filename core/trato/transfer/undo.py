"""Undo a whole import: what it created goes to the recycle bin, what it updated gets its values back.

Everything goes through the record service as the user who undoes. A
record changed since the import (its version moved) is left alone and
reported, as is one the user may no longer change.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from .. import access, db, records
from ..access import PermissionRefused
from ..entities import Entity
from ..i18n import _
from ..models import utcnow
from ..records import Change, RecordError
from ..records.common import entity_of
from .errors import TransferError
from .imports import BATCH, user_locale
from .models import CREATED, Import, ImportRecord


@dataclass
class UndoReport:
    reverted: int = 0
    refused: list[str] = field(default_factory=list)


def _chunks(import_id: int) -> Iterator[list[ImportRecord]]:
    after = -1
    while True:
        links = list(db.session().scalars(select(ImportRecord).where(
            ImportRecord.import_id == import_id, ImportRecord.record_id > after)
            .order_by(ImportRecord.record_id).limit(BATCH)))
        if not links:
            return
        yield links
        after = links[-1].record_id


def _current_versions(entity: Entity, ids: list[int], user: Any) -> dict[int, int]:
    table = entity.table
    stmt = records.query(entity, user=user).statement().with_only_columns(table.c.id, table.c.version)
    return dict(db.session().execute(stmt.where(table.c.id.in_(ids))).all())


def _revert(entity: Entity, link: ImportRecord, user: Any) -> None:
    if link.action == CREATED:
        records.delete(entity, link.record_id, user=user, version=link.version)
    else:
        records.update(entity, link.record_id, link.previous or {}, user=user, version=link.version)


def _undo_chunk(entity: Entity, links: list[ImportRecord], user: Any, report: UndoReport) -> None:
    versions = _current_versions(entity, [link.record_id for link in links], user)
    ready = []
    for link in links:
        if link.record_id not in versions:
            report.refused.append(_("Record #%(id)s: it is gone (deleted, or out of your reach).", id=link.record_id))
        elif versions[link.record_id] != link.version:
            report.refused.append(_("Record #%(id)s: it was changed after the import; left as it is.",
                                    id=link.record_id))
        else:
            ready.append(link)
    deleting = [link.record_id for link in ready if link.action == CREATED]
    updating = [Change(link.record_id, link.previous or {}, link.version) for link in ready if link.action != CREATED]
    try:
        if deleting:
            records.bulk_delete(entity, deleting, user=user)
        if updating:
            records.bulk_update(entity, updating, user=user)
        report.reverted += len(ready)
        return
    except (RecordError, PermissionRefused):
        pass  # some record refuses: go one by one to find which
    for link in ready:
        try:
            _revert(entity, link, user)
            report.reverted += 1
        except (RecordError, PermissionRefused) as err:
            report.refused.append(_("Record #%(id)s: %(reason)s", id=link.record_id, reason=str(err)))


def undo(import_id: int, *, user: Any) -> UndoReport:
    """Take back import `import_id` as `user`; what was reverted and what was refused, record by record."""
    session = db.session()
    imp = session.get(Import, import_id)
    if imp is None:
        raise TransferError(_("There is no import with the id %(id)s.", id=import_id))
    entity = entity_of(imp.entity)
    access.check(user, entity, "import")
    if user is not None and not getattr(user, "is_admin", False) and imp.user_id != user.id:
        raise PermissionRefused(_("Only who ran an import, or an administrator, may undo it."), "import", entity.name)
    if imp.dry_run:
        raise TransferError(_("Import %(id)s was a dry run: there is nothing to undo.", id=imp.id))
    if imp.status == "queued":
        raise TransferError(_("Import %(id)s has not run yet: there is nothing to undo.", id=imp.id))
    if imp.status == "undone":
        raise TransferError(_("Import %(id)s is undone already.", id=imp.id))
    report = UndoReport()
    with force_locale(user_locale(user)):
        for links in _chunks(imp.id):
            _undo_chunk(entity, links, user, report)
    imp = session.get(Import, import_id)
    imp.status, imp.undone_at = "undone", utcnow()
    session.commit()
    return report
