"""What an admin defines: a custom field or a custom entity, checked before anything is built."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from babel import Locale

from ..entities import EntityRegistry, UnknownEntity
from ..fields import Field, FieldValueError, Option, UnknownFieldType
from ..fields.definition import install_language, language
from ..fields.money import current_currencies
from ..i18n import _
from .errors import SchemaError
from .names import check_option, check_slug

# Settings each type accepts, with their checks.
SETTINGS: dict[str, dict[str, Any]] = {
    "text": {"length": lambda v: isinstance(v, int) and 1 <= v <= 10_000},
    "decimal": {"scale": lambda v: isinstance(v, int) and 0 <= v <= 6},
    "percent": {"scale": lambda v: isinstance(v, int) and 0 <= v <= 6},
    "money": {"scale": lambda v: isinstance(v, int) and 0 <= v <= 6, "currency": lambda v: v in current_currencies()},
    "relation": {"target": lambda v: isinstance(v, str)},
    "autonumber": {"pattern": lambda v: isinstance(v, str)},  # checked by trato.numbering when the field is added
    "record_link": {"entities": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)},
}
CHOICES = ("select", "multi_select")

Labels = Mapping[str, str]


@dataclass(frozen=True)
class FieldSpec:
    """A custom field as an admin defines it. `name` is a slug; labels are per language."""

    name: str
    type: str
    label: Labels
    required: bool = False
    unique: bool = False
    default: Any = None
    options: Sequence[Mapping[str, Any]] = ()  # [{"value": "won", "label": {"en": "Won", "es": "Ganado"}}]
    help: Labels | None = None
    filterable: bool = False
    position: int | None = None
    section: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EntitySpec:
    """A custom entity as an admin defines it. `title_field` and friends name fields by slug."""

    name: str
    label: Labels
    plural: Labels
    fields: Sequence[FieldSpec] = ()
    title_field: str | None = None
    search_fields: Sequence[str] = ()
    list_columns: Sequence[str] = ()
    title_pattern: str | None = None  # "{plate} — {model}": names records instead of the title field alone
    parent: str | None = None  # the entity whose lines these records are (docs/lines.md)


def labels(value: object, what: str, required: bool = True) -> dict[str, str] | None:
    """Per-language texts, the install's language required: {"en": "City", "es": "Ciudad"}."""
    if value is None and not required:
        return None
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise SchemaError(_("Give the %(what)s as text per language, such as {\"en\": ..., \"es\": ...}.",
                            what=what), what)
    texts = {lang: text.strip() for lang, text in value.items() if lang in ("en", "es") and text.strip()}
    needed = install_language()
    if needed not in texts:
        raise SchemaError(_("The %(what)s needs a text in %(language)s.", what=what,
                            language=Locale.parse(needed).get_display_name(language())), what)
    return texts


def options(spec: FieldSpec) -> list[dict[str, Any]]:
    if spec.type not in CHOICES:
        if spec.options:
            raise SchemaError(_("Only select fields have options."), "options")
        return []
    if not spec.options:
        raise SchemaError(_("A select field needs at least one option."), "options")
    made = [{"value": check_option(o.get("value")), "label": labels(o.get("label"), "option")} for o in spec.options]
    if len({o["value"] for o in made}) != len(made):
        raise SchemaError(_("Two options have the same value."), "options")
    return made


def settings(spec: FieldSpec, registry: EntityRegistry, pending: str | None = None) -> dict[str, Any]:
    """The spec's type settings, checked; a relation may point at `pending`, the entity being made."""
    allowed = SETTINGS.get(spec.type, {})
    for key, value in spec.settings.items():
        if key not in allowed or not allowed[key](value):
            raise SchemaError(_("The setting %(key)s=%(value)r does not fit a %(type)s field.", key=key, value=value,
                                type=spec.type), "settings")
    if spec.type == "relation" and spec.settings.get("target") != pending:
        try:
            registry.get(str(spec.settings.get("target", "")))
        except UnknownEntity:
            raise SchemaError(_("A relation needs the entity it points at, as settings target."), "settings") from None
    return dict(spec.settings)


def build_field(spec: FieldSpec, column: str, registry: EntityRegistry, position: int,
                pending: str | None = None) -> Field:
    """The Field a spec describes, checked throughout (the default value too)."""
    check_slug(spec.name, "field")
    try:
        ftype = registry.types.get(spec.type)
    except UnknownFieldType as exc:
        raise SchemaError(str(exc), "type") from None
    choices = options(spec)
    if spec.unique and not ftype.sortable:
        raise SchemaError(_("A %(type)s field cannot be unique.", type=spec.type), "unique")
    made = Field(name=column, type=ftype, label=labels(spec.label, "label"), required=spec.required,
                 options=tuple(Option(o["value"], o["label"]) for o in choices),
                 help=labels(spec.help, "help", required=False), filterable=spec.filterable,
                 position=position if spec.position is None else spec.position, section=spec.section,
                 settings=settings(spec, registry, pending), unique=spec.unique, custom=True)
    if spec.default is not None:
        try:
            default = ftype.validate(made, spec.default)
        except FieldValueError as err:
            raise SchemaError(_("The default value does not fit: %(why)s", why=err), "default") from None
        made = replace(made, default=default)
    return made


def checked_rule(rule: object, fields: Mapping[str, Field]) -> dict[str, Any] | None:
    """A custom entity's lock rule, `{"field": "status", "values": ["signed"]}`, checked; None removes it.

    The field must be a select (values among its options) or a yes/no field.
    """
    from ..entities.lock_rules import lockable_fields  # entities build on fields; this is only for the check

    if rule is None or rule == {}:
        return None
    names = {f.name: f for f in lockable_fields(fields)}
    if not isinstance(rule, Mapping) or set(rule) != {"field", "values"} or rule["field"] not in names:
        raise SchemaError(_("A lock rule names a select or yes/no field of this entity and the values that lock "
                            "a record."), "lock_rule")
    field = names[str(rule["field"])]
    values = rule["values"]
    allowed = [True, False] if field.type.widget == "checkbox" else field.option_values()
    if not isinstance(values, list) or not values or any(v not in allowed or isinstance(v, bool) != (
            field.type.widget == "checkbox") for v in values):
        raise SchemaError(_("Choose one or more values of %(field)s that lock a record.", field=field.text),
                          "lock_rule")
    return {"field": field.name, "values": list(dict.fromkeys(values))}
