"""What the meta API reads and writes: entity and field definitions as JSON.

The input schemas check the shape of a request (types, known keys, no
control characters, lengths the metadata columns hold) before the schema
service checks its meaning; both refusals name the field. The output schemas
say what the API answers. apispec turns all of them into the OpenAPI
document's components, so the document and the code cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from flask_babel import force_locale
from marshmallow import Schema, ValidationError
from marshmallow import fields as ma
from marshmallow.validate import Length, OneOf, Range

from ..entities import Entity
from ..fields import Field, Label
from ..fields.base import plain_messages
from ..fields.schemafields import INT32, JsonBool, JsonInt, PrintableText, json_int
from ..i18n import LANGUAGES, _, _l
from ..records import ValidationFailed
from ..schema import EntitySpec, FieldSpec, TypeChange, TypePreview

MAX_NAME = 64  # the metadata columns' width
MAX_LABEL = 200


def _text(**kwargs: Any) -> ma.String:
    return ma.String(validate=[PrintableText(), Length(max=kwargs.pop("max", MAX_LABEL))], **kwargs)


def _labels(**kwargs: Any) -> ma.Dict:
    """Texts per language: {"en": "City", "es": "Ciudad"}."""
    return ma.Dict(keys=ma.String(validate=OneOf(list(LANGUAGES))), values=_text(), **kwargs)


def _bool(**kwargs: Any) -> JsonBool:
    return JsonBool(**kwargs)


def _position(**kwargs: Any) -> JsonInt:
    return json_int(validate=Range(0, INT32), **kwargs)


def _names(**kwargs: Any) -> ma.List:
    return ma.List(_text(max=MAX_NAME), **kwargs)


class OptionSchema(Schema):
    value = ma.String(required=True, validate=Length(max=MAX_NAME))
    label = _labels(required=True)


class _FieldTexts(Schema):
    """What a new field and a field's change share."""

    label = _labels()
    help = _labels(allow_none=True)
    options = ma.List(ma.Nested(OptionSchema))
    default = ma.Raw(allow_none=True,
                     metadata={"description": _l("A value of the field's type, as the API takes it")})
    filterable = _bool()
    required = _bool()
    position = _position(allow_none=True)
    section = _text(max=MAX_NAME, allow_none=True)


class FieldInput(_FieldTexts):
    """A new custom field."""

    name = ma.String(required=True, metadata={"description": _l("A slug: a-z, 0-9 and _, starting with a letter")})
    type = ma.String(required=True, metadata={"description": _l("A field type: text, integer, select, ...")})
    label = _labels(required=True)
    unique = _bool()
    settings = ma.Dict(keys=ma.String(), values=ma.Raw(),
                       metadata={"description": _l("length (text), scale, currency (money), target (relation)")})


def _mapping(**kwargs: Any) -> ma.Dict:
    return ma.Dict(keys=_text(), values=ma.String(validate=Length(max=MAX_NAME), allow_none=True), metadata={
        "description": _l("With type select: each existing text (spaces around it dropped) and the option value it "
                          "becomes, or null to empty it; a text not given becomes the option it names")}, **kwargs)


_TYPE = _l("The new type: text to long_text, select, integer or decimal; integer to decimal; select to "
           "multi_select")
_TYPE_SETTINGS = _l("With type decimal: {\"scale\": 0-6}")


class FieldChange(_FieldTexts):
    """A change of a custom field; `type` only with `settings`, `options` and `mapping`, the values converted."""

    type = ma.String(metadata={"description": _TYPE})
    settings = ma.Dict(keys=ma.String(), values=ma.Raw(), metadata={"description": _TYPE_SETTINGS})
    mapping = _mapping()


class TypeChangeInput(Schema):
    """A type change to try without making it."""

    type = ma.String(required=True, metadata={"description": _TYPE})
    settings = ma.Dict(keys=ma.String(), values=ma.Raw(), metadata={"description": _TYPE_SETTINGS})
    options = ma.List(ma.Nested(OptionSchema), metadata={
        "description": _l("With type select: its options; left out, the dry run proposes one per distinct text")})
    mapping = _mapping()


class EntityInput(Schema):
    """A new custom entity and its first fields."""

    name = ma.String(required=True, metadata={"description": _l("A slug; the entity is called x_<name>")})
    label = _labels(required=True)
    plural = _labels(required=True)
    fields = ma.List(ma.Nested(FieldInput))
    title_field = ma.String(allow_none=True)
    search_fields = _names()
    list_columns = _names()
    parent = ma.String(allow_none=True, metadata={"description": _l("The entity whose lines these records are "
                                                                    "(docs/lines.md)")})


class EntityChange(Schema):
    """A change of a custom entity."""

    label = _labels()
    plural = _labels()
    title_field = ma.String(allow_none=True)
    search_fields = _names()
    list_columns = _names()


class FieldOrder(Schema):
    fields = _names(required=True, metadata={"description": _l("Every field but the record columns, in order")})


class OptionOutput(Schema):
    value = ma.String(required=True)
    label = ma.Dict(keys=ma.String(), values=ma.String(), required=True)


class FieldOutput(Schema):
    name = ma.String(required=True)
    type = ma.String(required=True)
    label = ma.Dict(keys=ma.String(), values=ma.String(), required=True)
    help = ma.Dict(keys=ma.String(), values=ma.String(), allow_none=True, required=True)
    required = ma.Boolean(required=True)
    unique = ma.Boolean(required=True)
    filterable = ma.Boolean(required=True)
    sortable = ma.Boolean(required=True)
    operators = ma.List(ma.String(), required=True)
    options = ma.List(ma.Nested(OptionOutput), required=True)
    default = ma.Raw(allow_none=True, required=True)
    position = ma.Integer(required=True)
    section = ma.String(allow_none=True, required=True)
    settings = ma.Dict(keys=ma.String(), values=ma.Raw(), required=True)
    custom = ma.Boolean(required=True)
    system = ma.Boolean(required=True)


class EntityOutput(Schema):
    name = ma.String(required=True)
    label = ma.Dict(keys=ma.String(), values=ma.String(), required=True)
    plural = ma.Dict(keys=ma.String(), values=ma.String(), required=True)
    custom = ma.Boolean(required=True)
    plugin = ma.String(allow_none=True, required=True)
    title_field = ma.String(allow_none=True, required=True)
    search_fields = ma.List(ma.String(), required=True)
    list_columns = ma.List(ma.String(), required=True)
    fields = ma.List(ma.Nested(FieldOutput), required=True)


class EntityList(Schema):
    data = ma.List(ma.Nested(EntityOutput), required=True)


class MappedValueOutput(Schema):
    value = ma.String(required=True, metadata={"description": _l("A distinct text the field holds")})
    records = ma.Integer(required=True)
    option = ma.String(allow_none=True, required=True,
                       metadata={"description": _l("The option it would become; null: emptied or not mapped")})
    mapped = ma.Boolean(required=True)


class UnconvertibleOutput(Schema):
    id = ma.Integer(required=True)
    value = ma.Raw(required=True)
    reason = ma.String(required=True)


class TypePreviewOutput(Schema):
    field = ma.String(required=True)
    old_type = ma.String(data_key="from", required=True)
    new_type = ma.String(data_key="to", required=True)
    records = ma.Integer(required=True, metadata={"description": _l("Records holding a value (the recycle bin too)")})
    converted = ma.Integer(required=True, metadata={"description": _l("Records that would keep a value")})
    emptied = ma.Integer(required=True, metadata={"description": _l("Records whose value would be emptied")})
    options = ma.List(ma.Nested(OptionOutput), required=True,
                      metadata={"description": _l("A select's options: as given, or proposed from the values")})
    values = ma.List(ma.Nested(MappedValueOutput), required=True)
    unconvertible = ma.List(ma.Nested(UnconvertibleOutput), required=True,
                            metadata={"description": _l("The first records whose value would not convert")})
    unconvertible_count = ma.Integer(required=True)
    refusal = ma.String(allow_none=True, required=True,
                        metadata={"description": _l("Why the change would be refused; null: it can be made")})
    refusal_field = ma.String(allow_none=True, required=True)


class Deleted(Schema):
    name = ma.String(required=True)
    lost = ma.Integer(required=True,
                      metadata={"description": _l("Records (of an entity) or values (of a field) lost")})


def load(schema: Schema, body: Any) -> dict[str, Any]:
    """`body` through `schema`, or ValidationFailed (a 422 naming each bad key)."""
    if not isinstance(body, Mapping):
        raise ValidationFailed({"body": [_("Send a JSON object.")]})
    try:
        return schema.load(body)  # type: ignore[no-any-return]
    except ValidationError as err:
        raise ValidationFailed(plain_messages(err.messages)) from None


def field_spec(data: Mapping[str, Any]) -> FieldSpec:
    return FieldSpec(**data)


def type_change(data: Mapping[str, Any]) -> TypeChange:
    return TypeChange(data["type"], data.get("settings") or {}, data.get("options") or (), data.get("mapping") or {})


def describe_preview(preview: TypePreview) -> dict[str, Any]:
    return TypePreviewOutput().dump(asdict(preview))


def entity_spec(data: Mapping[str, Any]) -> EntitySpec:
    return EntitySpec(**{**data, "fields": [field_spec(f) for f in data.get("fields", [])]})


def texts(label: Label | None) -> dict[str, str] | None:
    """A label in every language: an admin's texts as given, a plugin's translated."""
    if label is None:
        return None
    if isinstance(label, Mapping):
        return {lang: str(text) for lang, text in label.items() if text}
    out = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            out[lang] = str(label)
    return out


def _plain(value: Any) -> Any:
    """A setting as JSON: numbers, text, booleans and lists as they are, anything else as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def describe_field(field: Field) -> dict[str, Any]:
    return FieldOutput().dump({
        "name": field.name, "type": field.type.name, "label": texts(field.label), "help": texts(field.help),
        "required": field.required, "unique": field.unique, "filterable": field.filterable,
        "sortable": field.sortable, "operators": sorted(field.operators),
        "options": [{"value": o.value, "label": texts(o.label)} for o in field.options],
        "default": None if field.default is None else field.type.dump(field, field.default),
        "position": field.position, "section": field.section,
        "settings": {key: _plain(value) for key, value in field.settings.items()},
        "custom": field.custom, "system": field.system,
    })


def describe_entity(entity: Entity) -> dict[str, Any]:
    return EntityOutput().dump({
        "name": entity.name, "label": texts(entity.label), "plural": texts(entity.plural), "custom": entity.custom,
        "plugin": entity.plugin, "title_field": entity.title_field, "search_fields": list(entity.search_fields),
        "list_columns": list(entity.list_columns),
        "fields": [describe_field(f) for f in entity.fields.values()],
    })
