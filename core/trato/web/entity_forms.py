"""Forms of the entities and fields admin, and their translation into `trato.schema` specs.

The schema service does every check that matters (names, types, options,
defaults); these forms only gather the input and carry its refusals back to
the field they concern.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..entities import EntityRegistry
from ..fields import FieldType, FieldValueError
from ..i18n import _, _l
from ..schema import FieldSpec, SchemaError
from ..schema.inputs import build_field

TYPE_LABELS = {
    "text": _l("Text"), "long_text": _l("Long text"), "integer": _l("Whole number"), "decimal": _l("Decimal"),
    "money": _l("Money"), "percent": _l("Percentage"), "boolean": _l("Yes or no"), "date": _l("Date"),
    "datetime": _l("Date and time"), "email": _l("Email"), "phone": _l("Phone"), "url": _l("Web address"),
    "select": _l("Select (one option)"), "multi_select": _l("Multi-select"), "relation": _l("Relation"),
    "user": _l("User"), "team": _l("Team"), "tags": _l("Tags"), "file": _l("File"),
}


def type_label(name: str) -> str:
    """A field type's name for people; a plugin's own type shows its name."""
    return str(TYPE_LABELS.get(name, name))


def texts(en: str | None, es: str | None) -> dict[str, str]:
    """Per-language texts from two inputs, leaving out the empty ones."""
    return {lang: text.strip() for lang, text in (("en", en), ("es", es)) if text and text.strip()}


def parse_options(text: str) -> list[dict[str, Any]]:
    """Options typed one per line as `value | English label | Spanish label` (the Spanish label optional)."""
    made = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            raise SchemaError(_("Line %(number)d: write value | English label | Spanish label.", number=number),
                              "options")
        made.append({"value": parts[0], "label": texts(parts[1], parts[2] if len(parts) == 3 else None)})
    return made


# The schema service's name for an input, where it is not the form field's.
ERROR_FIELDS = {"label": "label_en", "plural": "plural_en", "help": "help_en", "settings": "target",
                "option": "options"}


class SchemaForm(FlaskForm):
    """A form that shows a schema refusal at the input it concerns (`SchemaError.field`)."""

    def refuse(self, exc: SchemaError) -> None:
        name = ERROR_FIELDS.get(exc.field or "", exc.field or "")
        target: Field | None = self._fields.get(name)
        if target is None:
            target = next(f for f in self if f.type not in ("CSRFTokenField", "HiddenField"))
        target.errors = [*target.errors, str(exc)]


class EntityForm(SchemaForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=30)],
                       description=_l("Lower-case letters, digits and underscores, such as vehicle."))
    label_en = StringField(_l("Label in English"), validators=[DataRequired(), Length(max=100)])
    label_es = StringField(_l("Label in Spanish"), validators=[Optional(), Length(max=100)])
    plural_en = StringField(_l("Plural in English"), validators=[DataRequired(), Length(max=100)])
    plural_es = StringField(_l("Plural in Spanish"), validators=[Optional(), Length(max=100)])


class FieldLabelsForm(SchemaForm):
    """What can change on a custom field without touching its data."""

    label_en = StringField(_l("Label in English"), validators=[DataRequired(), Length(max=100)])
    label_es = StringField(_l("Label in Spanish"), validators=[Optional(), Length(max=100)])
    help_en = TextAreaField(_l("Help text in English"), validators=[Optional(), Length(max=500)])
    help_es = TextAreaField(_l("Help text in Spanish"), validators=[Optional(), Length(max=500)])
    position = IntegerField(_l("Position in the form"), validators=[Optional()])
    required = BooleanField(_l("Required"))

    def changes(self) -> dict[str, Any]:
        help_texts = texts(self.help_en.data, self.help_es.data)
        made: dict[str, Any] = {"label": texts(self.label_en.data, self.label_es.data),
                                "help": help_texts or None, "required": bool(self.required.data)}
        if self.position.data is not None:
            made["position"] = self.position.data
        return made


class NewFieldForm(FieldLabelsForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=30)],
                       description=_l("Lower-case letters, digits and underscores, such as region."))
    type = SelectField(_l("Type"))
    unique = BooleanField(_l("Unique"))
    filterable = BooleanField(_l("Filterable"), description=_l("Adds an index, so that lists filter and sort fast."))
    default = StringField(_l("Default value"), validators=[Optional(), Length(max=200)])
    options = TextAreaField(_l("Options"), validators=[Optional()],
                            description=_l("For select fields: one per line, value | English label | Spanish label."))
    target = SelectField(_l("Points at"), validators=[Optional()], description=_l("For relation fields."))

    def __init__(self, types: list[FieldType], targets: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = [(t.name, type_label(t.name)) for t in types]
        self.target.choices = [("", "—"), *targets]

    def spec(self, registry: EntityRegistry) -> FieldSpec:
        """The field described, for `trato.schema.add_field`; SchemaError for unreadable options or default."""
        spec = FieldSpec(
            name=(self.name.data or "").strip(), type=self.type.data or "",
            label=texts(self.label_en.data, self.label_es.data),
            required=bool(self.required.data), unique=bool(self.unique.data),
            options=parse_options(self.options.data or ""),
            help=texts(self.help_en.data, self.help_es.data) or None,
            filterable=bool(self.filterable.data), position=self.position.data,
            settings={"target": self.target.data} if self.type.data == "relation" and self.target.data else {},
        )
        text = (self.default.data or "").strip()
        return replace(spec, default=default_value(spec, text, registry)) if text else spec


def default_value(spec: FieldSpec, text: str, registry: EntityRegistry) -> Any:
    """A default typed as text, read the way its field reads text (a CSV cell, say)."""
    try:
        field = build_field(spec, spec.name, registry, 0)
    except SchemaError:
        return text  # the spec has a problem of its own, which add_field reports
    try:
        return field.type.from_text(field, text)
    except FieldValueError as err:
        raise SchemaError(_("The default value does not fit: %(why)s", why=err), "default") from None


class TypeForm(SchemaForm):
    # Only safe changes are offered; any other value posted reaches the schema service, which says why not.
    type = SelectField(_l("New type"), validate_choice=False)


class ConfirmForm(SchemaForm):
    confirm = StringField(_l("Type the name to confirm"), validators=[DataRequired()])
