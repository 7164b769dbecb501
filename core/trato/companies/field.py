"""The `company` field type: which of the install's companies a record belongs to.

It stores core_company.id with no foreign key, as the team type does: a
plugin's first migration may run before the core's table of companies
exists. An empty value means the default company (`companies.company_for`).
"""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from marshmallow import fields as ma
from sqlalchemy import Integer
from sqlalchemy.types import TypeEngine

from ..fields import operators
from ..fields.base import FieldType, FieldValueError
from ..fields.definition import Field
from ..fields.schemafields import json_int
from ..i18n import _l
from . import FIELD_TYPE, all_companies

NOT_COMPANY = _l("Choose one of the companies.")


class CompanyType(FieldType):
    name = FIELD_TYPE
    widget = "company"
    cell = "company"
    label = _l("Company")
    operators = operators.EQUALITY

    def sql_type(self, field: Field) -> TypeEngine[Any]:
        return Integer()

    def schema_field(self, field: Field, **kwargs: Any) -> ma.Field:
        return json_int(validate=known_company, **kwargs)

    def from_text(self, field: Field, text: str) -> Any:
        """A company's id, or its legal or trade name as a CSV cell or a filter writes it."""
        if text.strip().isdigit():
            return int(text)
        wanted = text.strip().casefold()
        for company in all_companies():
            if wanted in (company.legal_name.casefold(), company.trade_name.casefold()):
                return company.id
        raise FieldValueError(str(NOT_COMPANY))

    def format(self, field: Field, value: Any) -> str:
        return "" if value is None else name_of(value)

    def input_text(self, field: Field, value: Any) -> str:
        """The id, as the form's select has it."""
        return str(value)



def name_of(company_id: int) -> str:
    """A company's name, or `#id` for one that is gone."""
    return next((c.name for c in all_companies() if c.id == company_id), f"#{company_id}")


def choices() -> list[tuple[str, str]]:
    """The companies a form's select offers, the default first."""
    return [(str(c.id), c.name) for c in all_companies()]


def known_company(value: int) -> None:
    if value not in {c.id for c in all_companies()}:
        raise ValidationError(str(NOT_COMPANY))
