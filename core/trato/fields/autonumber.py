"""The auto-number field: text the record service gives each new record from a numbering series (CASE-000123).

Adding one to an entity makes its series, coded `<entity>.<field>`, with the
pattern the admin gives (settings `pattern`), and numbers the records the
entity already has, oldest first. Nobody types the value: forms, in-place
edits and imports leave it out and the API refuses it in a body, since the
field is `system_set` (fields/definition.py). The number is taken in the
create's own transaction, so a refused or failed create gives it back.
Deleting the field keeps the series: a field added again under the same name
continues it rather than issuing its numbers a second time.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import Column, Integer, MetaData, Table, select, update
from sqlalchemy.orm import Session

from ..i18n import _l
from .definition import Field
from .text import TextType

if TYPE_CHECKING:
    from ..entities import Entity

DEFAULT_PATTERN = "{seq:06}"


def series_code(entity: str, field: Field) -> str:
    """The code of the series an auto-number field takes its numbers from."""
    return f"{entity}.{field.name}"


class AutoNumberType(TextType):
    name = "autonumber"
    widget = "text"
    cell = "text"
    label = _l("Auto number")
    assigned = True
    default_length: ClassVar[int] = 120

    def assign(self, field: Field, entity: Entity, values: dict[str, Any]) -> str:
        # Here, not above: trato.numbering's models load trato.fields first.
        from .. import companies, numbering

        company = companies.company_for(entity.name, values).id
        return numbering.next_number(series_code(entity.name, field), company=company).text

    def added(self, field: Field, entity: str, table: str, session: Session) -> None:
        from .. import numbering
        from ..schema.errors import SchemaError

        code = series_code(entity, field)
        try:
            series = numbering.install_series(session, code, str(field.settings.get("pattern") or DEFAULT_PATTERN),
                                              label=field.text)
        except numbering.NumberingError as exc:
            raise SchemaError(str(exc), "pattern") from None
        rows = Table(table, MetaData(), Column("id", Integer, primary_key=True), *self.columns(field))
        today = date.today()
        for record_id in session.scalars(select(rows.c.id).order_by(rows.c.id)):
            session.execute(update(rows).where(rows.c.id == record_id)
                            .values({field.name: numbering.take(session, series, today).text}))
