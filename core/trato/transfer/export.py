"""Export: the records a query finds (filters, sort, columns) as CSV, streamed page by page.

UTF-8 with a BOM, so that Excel shows accents right; `;` as delimiter for
Excel set up for Spain, where the comma is the decimal separator. Hidden
fields are never written, and the query is scoped like every read.
Large exports run as a job that writes a file in the instance folder, as
CSV or as an Excel workbook (XLSX, written by `xlsx`, nothing to install).
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
from ..fields import DecimalType, Field, FileType, IntegerType, MoneyType
from ..i18n import _
from ..records import Condition, Group
from ..records.common import entity_of
from . import lookup
from .cells import is_reference, write_cell
from .errors import TransferError
from .files import folder
from .mapping import find_field
from .xlsx import write_xlsx

PAGE = 500
BOM = "\ufeff"
TASK = "core.export_records"
FORMATS = ("csv", "xlsx")
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
    """The records of a query as cells, and as CSV text in pieces (one per page of records).

    Iterating gives the CSV, the first piece starting with the BOM; `rows`
    counts the records written so far.
    """

    def __init__(self, query: records.RecordQuery, fields: list[Field], user: Any, delimiter: str) -> None:
        self.query, self.fields, self.user, self.delimiter = query, fields, user, delimiter
        self.rows = 0

    @property
    def header(self) -> list[str]:
        return headers(self.fields)

    def pages(self, defuse: bool = True) -> Iterator[list[list[str]]]:
        """The cells of each page of records; `defuse` puts an apostrophe before what looks like a formula."""
        references = [f for f in self.fields if is_reference(f)]
        cursor = None
        while True:
            page = self.query.page(limit=PAGE, cursor=cursor)
            titles = {f.name: lookup.titles(f, {r[f.name] for r in page.items if r[f.name] is not None}, self.user)
                      for f in references}
            self.rows += len(page.items)
            yield [[write_cell(f, record[f.name], titles.get(f.name, {}), defuse) for f in self.fields]
                   for record in page.items]
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def __iter__(self) -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n")
        writer.writerow(self.header)
        yield BOM + out.getvalue()
        for page in self.pages():
            out.seek(0)
            out.truncate()
            writer.writerows(page)
            yield out.getvalue()

    def write_xlsx(self, path: Path) -> None:
        """The export as an Excel workbook: numbers as numbers, text never read as a formula."""
        numeric = [isinstance(f.type, (IntegerType, DecimalType)) and not isinstance(f.type, MoneyType)
                   for f in self.fields]
        write_xlsx(path, self.query.entity.plural_text, self.header, self.pages(defuse=False), numeric)


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


def export_file(entity: str | Entity, *, user: Any, path: Path | None = None, format: str | None = None,
                **options: Any) -> tuple[Path, int]:
    """Write the export to `path` (a new file in the instance's `exports` folder by default); (path, rows).

    `format` is "csv" or "xlsx"; by default the suffix of `path` decides, else CSV.
    """
    chosen = format or (path.suffix.lstrip(".").lower() if path and path.suffix else "csv")
    if chosen not in FORMATS:
        raise TransferError(_("Export as CSV or XLSX, not “%(format)s”.", format=chosen))
    target = path or folder("exports") / f"{entity_of(entity).name}-{uuid.uuid4().hex[:12]}.{chosen}"
    stream = export_csv(entity, user=user, **options)
    if chosen == "xlsx":
        stream.write_xlsx(target)
    else:
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
