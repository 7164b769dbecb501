"""A batch of file rows read into field values: cells converted, references and keys looked up."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func

from .. import db, records
from ..entities import Entity
from ..fields import Field, FieldValueError
from ..fields.base import first_message
from ..i18n import _
from ..records import RecordData
from . import duplicates, lookup
from .cells import cell_reader, is_reference
from .errors import RowError
from .reading import Undecoded


@dataclass
class Row:
    """One data row: its number in the file, its cells, the values read, and what went wrong."""

    number: int
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    record: RecordData | None = None  # the record it updates, if any
    duplicate: RecordData | None = None  # the existing record it looks like, when it is skipped for that

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


@dataclass(frozen=True)
class Reader:
    """Reads rows of one file into values of one entity, for one user."""

    entity: Entity
    header: Sequence[str]
    mapping: Mapping[str, str]  # column → field name
    user: Any
    mode: str
    key: str | None
    on_match: str = duplicates.CREATE  # what a row to create does when it looks like an existing record

    @property
    def columns(self) -> dict[str, str]:
        """field name → column."""
        return {name: column for column, name in self.mapping.items()}

    def fail_fields(self, row: Row, messages: Any) -> None:
        """Record the record service's errors (by field) as the row's errors (by column)."""
        if not isinstance(messages, Mapping):
            row.fail("", first_message(messages))
            return
        columns = self.columns
        for name, message in messages.items():
            row.fail(columns.get(name, ""), first_message(message))

    def read(self, batch: Sequence[tuple[int, list[str]]]) -> list[Row]:
        """The batch's rows with values read; a row whose cells do not fit carries its errors."""
        positions = {column: index for index, column in enumerate(self.header)}
        readers = [(positions[column], column, name, cell_reader(self.entity.fields[name]))
                   for column, name in self.mapping.items()]
        rows = []
        for number, cells in batch:
            row = Row(number, cells)
            if isinstance(cells, Undecoded):  # the person chose to leave such rows out
                for position in cells.columns:
                    row.fail(self.header[position] if position < len(self.header) else "",
                             _("The cell holds bytes that are not UTF-8 (shown as �): the row is left out, as "
                               "chosen."))
                rows.append(row)
                continue
            values = row.values
            for position, column, name, read in readers:
                try:
                    values[name] = read(cells[position])
                except FieldValueError as err:
                    row.fail(column, str(err))
            rows.append(row)
        for name, column in self.columns.items():
            if is_reference(self.entity.fields[name]):
                self._resolve(rows, self.entity.fields[name], column)
        if self.mode != "create":
            self._find_records(rows)
        if self.on_match != duplicates.CREATE:
            self._match(rows)
        return rows

    def _match(self, rows: list[Row]) -> None:
        """Rows that would be created and look like an existing record: skipped, or updating it (`on_match`)."""
        find = duplicates.finder(self.entity.name)
        if find is None:
            return
        taken = {row.record.id: row.number for row in rows if row.ok and row.record is not None}
        for row in rows:
            if not row.ok or row.record is not None:
                continue
            closest, same = duplicates.closest(find, self.entity.name, row.values, self.user)
            if self.on_match == duplicates.SKIP:
                row.duplicate = closest
            elif same is not None:
                if same.id in taken:
                    row.fail("", _("Row %(row)s already updates this record.", row=taken[same.id]))
                    continue
                row.record = same
                taken[same.id] = row.number

    def _resolve(self, rows: list[Row], field_: Field, column: str) -> None:
        texts = {row.values[field_.name] for row in rows if row.ok and row.values.get(field_.name) is not None}
        found = lookup.resolve(field_, texts, self.user)
        for row in rows:
            text = row.values.get(field_.name)
            if not row.ok or text is None:
                continue
            if isinstance(found[text], FieldValueError):
                row.fail(column, str(found[text]))
            else:
                row.values[field_.name] = found[text]

    def _key_value(self, key: Field, row: Row) -> Any:
        raw = row.values.get(key.name)
        if raw is None:
            return None
        try:
            value = key.type.validate(key, raw)
        except FieldValueError as err:
            row.fail(self.columns[key.name], str(err))
            return None
        return value.casefold() if key.type.searchable and isinstance(value, str) else value

    def _find_records(self, rows: list[Row]) -> None:
        """Attach the record each row updates, found by the key field; in update mode one must exist."""
        key = self.entity.fields[str(self.key)]
        column = self.columns[key.name]
        wanted = {row.number: self._key_value(key, row) for row in rows if row.ok}
        values = {value for value in wanted.values() if value is not None}
        expression = key.type.expression(key, self.entity.table)
        if key.type.searchable:
            expression = func.lower(expression)
        holders: dict[Any, list[RecordData]] = {}
        if values:
            stmt = records.query(self.entity, user=self.user).statement().where(expression.in_(values))
            for found in db.session().execute(stmt).mappings():
                data = RecordData.of(self.entity, found)
                value = data[key.name]
                holders.setdefault(value.casefold() if isinstance(value, str) else value, []).append(data)
        taken: dict[int, int] = {}
        for row in rows:
            if not row.ok:
                continue
            value = wanted.get(row.number)
            matches = holders.get(value, []) if value is not None else []
            if len(matches) > 1:
                row.fail(column, _("%(count)s records have this %(field)s.", count=len(matches), field=key.text))
            elif matches:
                row.record = matches[0]
                if row.record.id in taken:
                    row.fail(column, _("Row %(row)s already updates this record.", row=taken[row.record.id]))
                taken.setdefault(row.record.id, row.number)
            elif self.mode == "update":
                if value is None:
                    row.fail(column, _("The key is empty, so no record can be found to update."))
                else:
                    row.fail(column, _("No record has this %(field)s.", field=key.text))
