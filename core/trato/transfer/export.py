"""Export: the records a query finds (filters, sort, columns) as CSV, streamed page by page.

UTF-8 with a BOM, so that Excel shows accents right; `;` as delimiter for
Excel set up for Spain, where the comma is the decimal separator. Hidden
fields are never written, and the query is scoped like every read.
Large exports run as a job that writes a file in the instance folder.
"""
from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import access, jobs, records
from ..entities import Entity
from ..fields import Field, FileType
from ..i18n import _
from ..records import Condition, Group
from ..records.common import entity_of
from . import lookup
from .cells import is_reference, write_cell
from .errors import TransferError
from .files import folder
from .mapping import find_field

PAGE = 500
BOM = "\ufeff"
TASK = "core.export_records"
Filters = Condition | Group | Mapping[str, Any] | Sequence[tuple[str, Any]] | None


def columns_for(entity: Entity, user: Any, names: Sequence[str] | None = None) -> list[Field]:
    """The fields to write: those named (by name or label), else id, every field and the owner; never hidden ones."""
    hidden = access.hidden_fields(user, entity)
    if names:
        chosen = [find_field(entity, name) for name in names]
        for field in chosen:
            if field.name in hidden:
                raise TransferError(_("%(entity)s has no field called “%(field)s”.", entity=entity.text,
                                      field=field.name))
        return chosen
    return [f for f in entity.fields.values()
            if (not f.system or f.name in ("id", "owner_id")) and not isinstance(f.type, FileType)
            and f.name not in hidden]


def headers(fields: Sequence[Field]) -> list[str]:
    """Each field's label, or its name where two fields share a label (so that an import finds each again)."""
    texts = [f.text for f in fields]
    return [f.text if texts.count(f.text) == 1 else f.name for f in fields]


class Export:
    """The CSV text of an export in pieces (one per page of records), the first starting with the BOM.

    `rows` counts the records written so far.
    """

    def __init__(self, query: records.RecordQuery, fields: list[Field], user: Any, delimiter: str) -> None:
        self.query, self.fields, self.user, self.delimiter = query, fields, user, delimiter
        self.rows = 0

    def __iter__(self) -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n")
        writer.writerow(headers(self.fields))
        yield BOM + out.getvalue()
        references = [f for f in self.fields if is_reference(f)]
        cursor = None
        while True:
            page = self.query.page(limit=PAGE, cursor=cursor)
            titles = {f.name: lookup.titles(f, {r[f.name] for r in page.items if r[f.name] is not None}, self.user)
                      for f in references}
            out.seek(0)
            out.truncate()
            for record in page.items:
                writer.writerow([write_cell(f, record[f.name], titles.get(f.name, {}))
                                 for f in self.fields])
            self.rows += len(page.items)
            yield out.getvalue()
            if not page.next_cursor:
                return
            cursor = page.next_cursor


def export_csv(entity: str | Entity, *, user: Any, filters: Filters = None, search: str | None = None,
               sort: str = "id", columns: Sequence[str] | None = None, delimiter: str = ",") -> Export:
    """Export the records `user` may see that match: checked now, written as the result is iterated."""
    e = entity_of(entity)
    access.check(user, e, "export")
    if delimiter not in (",", ";", "\t"):
        raise TransferError(_("The delimiter must be a comma, a semicolon or a tab."))
    query = records.query(e, user=user)
    if filters:
        query = query.where(filters)
    if search:
        query = query.search(search)
    query = query.order_by(sort)
    return Export(query, columns_for(e, user, columns), user, delimiter)


def export_file(entity: str | Entity, *, user: Any, path: Path | None = None, **options: Any) -> tuple[Path, int]:
    """Write the export to `path` (a new file in the instance's `exports` folder by default); (path, rows)."""
    target = path or folder("exports") / f"{entity_of(entity).name}-{uuid.uuid4().hex[:12]}.csv"
    stream = export_csv(entity, user=user, **options)
    with open(target, "w", encoding="utf-8", newline="") as out:
        out.writelines(stream)
    return target, stream.rows


def submit(entity: str, *, user: Any, **options: Any) -> str:
    """Export as a background job (its result holds the file's path); the job's id."""
    e = entity_of(entity)
    access.check(user, e, "export")
    job = jobs.submit(TASK, title=_("Export of %(entity)s", entity=e.plural_text), user_id=getattr(user, "id", None),
                      entity=e.name, as_user=getattr(user, "id", None), **options)
    return job.id
