"""Forms of the entities and fields admin, and their translation into `trato.schema` specs.

The schema service does every check that matters (names, types, options,
defaults); these forms only gather the input and carry its refusals back to
the field they concern.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from flask import current_app, has_app_context
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..currencies import current_codes
from ..entities import EntityRegistry
from ..fields import FieldType, FieldValueError, company_currency
from ..fields.definition import install_language
from ..i18n import _, _l
from ..schema import FieldSpec, SchemaError, TypeChange
from ..schema.inputs import build_field

TYPE_LABELS = {
    "text": _l("Text"), "long_text": _l("Long text"), "integer": _l("Whole number"), "decimal": _l("Decimal"),
    "money": _l("Money"), "percent": _l("Percentage"), "boolean": _l("Yes or no"), "date": _l("Date"),
    "datetime": _l("Date and time"), "email": _l("Email"), "phone": _l("Phone"), "url": _l("Web address"),
    "select": _l("Select (one option)"), "multi_select": _l("Multi-select"), "relation": _l("Relation"),
    "user": _l("User"), "team": _l("Team"), "tags": _l("Tags"), "file": _l("File"),
}


def type_label(name: str) -> str:
    """A field type's name for people: the core's own, or the `label` a plugin's type declares, else its name."""
    if name in TYPE_LABELS:
        return str(TYPE_LABELS[name])
    types = current_app.extensions["trato"].entities.types if has_app_context() else None
    declared = types.get(name).label if types is not None and name in types else None
    return str(declared or name)


def texts(en: str | None, es: str | None) -> dict[str, str]:
    """Per-language texts from two inputs, leaving out the empty ones."""
    return {lang: text.strip() for lang, text in (("en", en), ("es", es)) if text and text.strip()}


def parse_options(text: str) -> list[dict[str, Any]]:
    """Options typed one per line as `value | English label | Spanish label`; the label in the install's
    language is required, the other may be left out (`value | | Rojo` on a Spanish install)."""
    made = []
    needed = 1 if install_language() == "en" else 2
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (2, 3) or not parts[0] or len(parts) <= needed or not parts[needed]:
            raise SchemaError(_("Line %(number)d: write value | English label | Spanish label.", number=number),
                              "options")
        made.append({"value": parts[0], "label": texts(parts[1], parts[2] if len(parts) == 3 else None)})
    return made


# The schema service's name for an input, where it is not the form field's.
ERROR_FIELDS = {"label": "label_en", "plural": "plural_en", "help": "help_en", "settings": "target",
                "option": "options"}


class SchemaForm(FlaskForm):
    """A form that shows a schema refusal at the input it concerns (`SchemaError.field`).

    Of each text given per language (`label_en`, `label_es`), the one in the
    install's language is required and the other optional, as the schema
    service checks.
    """

    TEXTS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        needed = install_language()
        for base in self.TEXTS:
            for code in ("en", "es"):
                bound = self[f"{base}_{code}"]
                first: Any = DataRequired() if code == needed else Optional()
                bound.validators = [first, Length(max=100)]
                bound.flags.required = code == needed
                bound.flags.optional = code != needed

    def refuse(self, exc: SchemaError) -> None:
        name = ERROR_FIELDS.get(exc.field or "", exc.field or "")
        name = name.replace("_en", f"_{install_language()}") if name in ERROR_FIELDS.values() else name
        target: Field | None = self._fields.get(name)
        if target is None:
            target = next(f for f in self if f.type not in ("CSRFTokenField", "HiddenField"))
        target.errors = [*target.errors, str(exc)]


class EntityForm(SchemaForm):
    TEXTS = ("label", "plural")

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=30)],
                       description=_l("Lower-case letters, digits and underscores, such as vehicle."))
    label_en = StringField(_l("Label in English"))
    label_es = StringField(_l("Label in Spanish"))
    plural_en = StringField(_l("Plural in English"))
    plural_es = StringField(_l("Plural in Spanish"))
    # Made as the lines of another entity (an expense report's expense lines): docs/lines.md.
    parent = SelectField(_l("Lines of"), validate_choice=False,
                         description=_l("Leave empty for records of their own; choose an entity to make these its "
                                        "lines, edited in a grid on its form (an expense report's expense lines)."))


class TitleForm(SchemaForm):
    """How a custom entity's records are named: a title field, and optionally a pattern of several fields."""

    title_field = SelectField(_l("Title field"), validate_choice=False,
                              description=_l("Records are sorted and linked by it."))
    title_pattern = StringField(_l("Title pattern"), validators=[Optional(), Length(max=200)],
                                description=_l("Optional: fields in braces, such as {plate} — {model}; a relation "
                                              "shows the related record's title."))

    def __init__(self, entity: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title_field.choices = [("", _("None"))] + [
            (f.name, f.text) for f in entity.fields.values() if not f.system and f.sortable and f.type.searchable]
        if not self.is_submitted():
            self.title_field.data = entity.title_field or ""
            self.title_pattern.data = entity.title_pattern or ""


class FieldLabelsForm(SchemaForm):
    """What can change on a custom field without touching its data."""

    TEXTS = ("label",)

    label_en = StringField(_l("Label in English"))
    label_es = StringField(_l("Label in Spanish"))
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
    target = SelectField(_l("Points at"), validators=[Optional()],
                         description=_l("For relation fields; for a link to a record, the only entity it may "
                                        "point at."))
    currency = SelectField(_l("Currency"), validators=[Optional()],
                           description=_l("For money fields: the currency amounts are typed in unless another "
                                          "is chosen."))
    pattern = StringField(_l("Number pattern"), validators=[Optional(), Length(max=100)],
                          description=_l("For auto numbers: {seq} is the number, such as CASE-{seq:06}."))

    def __init__(self, types: list[FieldType], targets: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = [(t.name, type_label(t.name)) for t in types]
        self.target.choices = [("", "—"), *targets]
        self.currency.choices = [(code, code) for code in current_codes()]
        if not self.currency.data:
            self.currency.data = company_currency()

    def settings(self) -> dict[str, Any]:
        """What the chosen type takes beyond the common parts: a relation's target, a money field's currency."""
        if self.type.data == "relation" and self.target.data:
            return {"target": self.target.data}
        if self.type.data == "record_link" and self.target.data:  # a link to records of that entity only
            return {"entities": [self.target.data]}
        if self.type.data == "money" and self.currency.data:
            return {"currency": self.currency.data}
        if self.type.data == "autonumber":
            return {"pattern": (self.pattern.data or "").strip()}
        return {}

    def spec(self, registry: EntityRegistry) -> FieldSpec:
        """The field described, for `trato.schema.add_field`; SchemaError for unreadable options or default."""
        spec = FieldSpec(
            name=(self.name.data or "").strip(), type=self.type.data or "",
            label=texts(self.label_en.data, self.label_es.data),
            required=bool(self.required.data), unique=bool(self.unique.data),
            options=parse_options(self.options.data or ""),
            help=texts(self.help_en.data, self.help_es.data) or None,
            filterable=bool(self.filterable.data), position=self.position.data,
            settings=self.settings(),
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


EMPTY = "_empty"  # a mapping row's choice "empty it"; never an option's value, which starts with a letter or digit


def format_options(made: Sequence[Mapping[str, Any]]) -> str:
    """Options as the options input shows them, one per line: `value | English label | Spanish label`."""
    lines = []
    for option in made:
        label = option.get("label") or {}
        lines.append(" | ".join(part for part in (option["value"], label.get("en", ""), label.get("es", "")) if part))
    return "\n".join(lines)


class TypeForm(SchemaForm):
    """A type change and the values' conversion; the mapping rows (`mapping-<n>-value`, `mapping-<n>-option`)
    are drawn from the dry run, one per distinct text, and read back here."""

    # Only the changes that exist are offered; any other value posted reaches the schema service, which says why not.
    type = SelectField(_l("New type"), validate_choice=False)
    scale = IntegerField(_l("Digits after the point (decimal)"), validators=[Optional(), NumberRange(0, 6)],
                         default=2)
    options = TextAreaField(_l("Options (select): value | English label | Spanish label"), validators=[Optional()],
                            description=_l("One per line. The dry run proposes one per distinct value."))
    mapping = Field(_l("Each value becomes"))

    def change(self, formdata: Mapping[str, str]) -> TypeChange:
        """The change asked for; SchemaError for unreadable options."""
        new_type = self.type.data or ""
        if new_type != "select":
            return TypeChange(new_type, {"scale": self.scale.data} if new_type == "decimal" and
                              self.scale.data is not None else {})
        mapping: dict[str, str | None] = {}
        for key, value in formdata.items():
            if key.startswith("mapping-") and key.endswith("-value"):
                option = formdata.get(key.removesuffix("-value") + "-option", "")
                if option:
                    mapping[value] = None if option == EMPTY else option
        return TypeChange(new_type, options=parse_options(self.options.data or ""), mapping=mapping)


class ConfirmForm(SchemaForm):
    confirm = StringField(_l("Type the name to confirm"), validators=[DataRequired()])
