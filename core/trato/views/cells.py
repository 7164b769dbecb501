"""The list's rows ready to print: each cell's text and link, and its in-place edit button's address and name.

A 50-row page has a few hundred cells. Building each one's addresses with
`url_for` and translating its button's name with `gettext` cost more than
the rest of the page, so both are made once per column and only filled in
per cell.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import NamedTuple

from ..entities import Entity
from ..i18n import _
from ..records import RecordData
from ..presentation import Presenter, Shown, id_url


class Cell(NamedTuple):
    """One cell: what it shows, where it links, and (when the user may edit it in place) its edit button."""

    shown: Shown
    text: str
    href: str | None
    edit_url: str | None
    edit_label: str


class Row(NamedTuple):
    """One row: the record's id, the name of its selection checkbox, and its cells."""

    id: int
    select_label: str
    cells: list[Cell]


class Cells:
    """Makes the cells of a batch of records; the first column (when `linked`) links to the record's page.

    Cells of the `editable` fields get an edit button, on the records whose
    ids are in `changeable` (all of them when it is None).
    """

    def __init__(self, entity: Entity, presenter: Presenter, editable: Collection[str], linked: bool = True,
                 changeable: Collection[int] | None = None) -> None:
        self.entity = entity
        self.presenter = presenter
        self.changeable = changeable
        self.detail = id_url("records.detail", entity=entity.name)
        self.first = presenter.fields[0].name if linked and presenter.fields else None
        self.edit = {f.name: id_url("records.edit_cell", entity=entity.name, field=f.name,
                                    first=1 if f.name == self.first else None)
                     for f in presenter.fields if f.name in editable}
        self.edit_label = _("Edit %(field)s of %(name)s")
        self.select_label = _("Select %(name)s")

    def row(self, record: RecordData) -> Row:
        name = self.entity.title_of(record)
        return Row(record.id, self.select_label % {"name": name},
                   [self.cell(record, shown, name) for shown in self.presenter.row(record)])

    def rows(self, items: Sequence[RecordData]) -> list[Row]:
        return [self.row(r) for r in items]

    def cell(self, record: RecordData, shown: Shown, name: str) -> Cell:
        """`shown` of `record` (named `name`) as a cell."""
        edit = self.edit.get(shown.name) if self.changeable is None or record.id in self.changeable else None
        label = self.edit_label % {"field": shown.label, "name": name} if edit else ""
        if shown.name == self.first:
            return Cell(shown, shown.text or f"#{record.id}", self.detail(record.id),
                        edit(record.id) if edit else None, label)
        return Cell(shown, shown.text, shown.href, edit(record.id) if edit else None, label)
