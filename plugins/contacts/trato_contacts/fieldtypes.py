"""The plugin's field type: a tax id, stored normalised and checked as it is saved."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow import fields as ma

from trato import fields

from .taxid import normalize, tax_id_problem


class TaxIdValue(ma.String):
    """A string turned into its normalised tax id, refused with a message that names the field."""

    def __init__(self, field: fields.Field, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.trato_field = field

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = normalize(super()._deserialize(value, attr, data, **kwargs))
        problem = tax_id_problem(text)
        if problem:
            raise ValidationError(_("%(field)s: %(problem)s", field=self.trato_field.text, problem=problem))
        return text


class TaxIdType(fields.TextType):
    """Spanish NIF, NIE and CIF with their check character; other EU VAT numbers by format."""

    name = "contacts_tax_id"
    label = _l("Tax ID (NIF, NIE, CIF, EU VAT)")
    default_length = 20

    def schema_field(self, field: fields.Field, **kwargs: Any) -> ma.Field:
        return TaxIdValue(field, validate=self.validators(field), **kwargs)


TAX_ID = TaxIdType()
