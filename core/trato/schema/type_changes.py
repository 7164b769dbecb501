"""Changing a custom field's type, values and all: which changes exist, a dry run, and the change itself.

| from    | to           | the values                                                       |
| ------- | ------------ | ---------------------------------------------------------------- |
| text    | long_text    | kept                                                             |
| integer | decimal      | kept (refused if one is too large for the decimal's scale)       |
| select  | multi_select | each value becomes a one-item list                               |
| text    | select       | each distinct value mapped by the admin to an option, or emptied |
| text    | integer      | read as numbers; refused while one does not read                 |
| text    | decimal      | read as numbers; refused while one does not read or would round  |

`preview_type_change` is the dry run: what the change would do to the
records (how many each mapping touches, how many would be emptied, which
rows would not convert) and why it would be refused, with nothing changed.
`change_field_type` makes the same plan under the schema lock, with the
table locked against record writes on PostgreSQL, and refuses when the plan
does; otherwise it fills a staged column with the converted values, drops
the old one and renames the staged one (text → long text and integer →
decimal change the column in place), in one transaction.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from ..entities import Entity
from ..entities.meta import EntityRow
from ..fields import Field, FieldValueError, Option
from ..fields.choice import option_from_text
from ..i18n import _
from .change import registry, require_admin, schema_change, schema_read
from .ddl import Ddl
from .errors import SchemaError
from .fields import custom_field, field_row, row_values
from .inputs import FieldSpec, options

# A select offers a short list: a text field with more distinct values than this is not one.
MAX_MAPPED = 200
# Rows the dry run lists of those that would not convert (it counts them all).
LISTED = 50
MAX_SCALE = 6
MAX_LABEL = 200  # what an option's label may hold (the meta API's limit)
STAGED = "__staged"  # suffix of the column a conversion fills; slugs never hold a double underscore

Convert = Callable[[Any], Any]


@dataclass(frozen=True)
class TypeChange:
    """What an admin asks for: the new type, a decimal's `settings` ({"scale": 2}), and for text → select
    the select's `options` and a `mapping` of existing texts to option values (None empties them)."""

    type: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    options: Sequence[Mapping[str, Any]] = ()
    mapping: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class MappedValue:
    """One distinct text of a field becoming a select (spaces around it dropped), and what it would become."""

    value: str
    records: int
    option: str | None  # the option's value; None: emptied, or not mapped yet
    mapped: bool


@dataclass(frozen=True)
class Unconvertible:
    """A record whose value would not convert, and why."""

    id: int
    value: Any
    reason: str


@dataclass
class TypePreview:
    """What a type change would do: `records` hold a value, `converted` would keep one, `emptied` would lose
    it; `refusal` says why the change would be refused (None: it can be made)."""

    field: str
    old_type: str
    new_type: str
    records: int = 0
    converted: int = 0
    emptied: int = 0
    options: list[dict[str, Any]] = field(default_factory=list)
    values: list[MappedValue] = field(default_factory=list)
    unconvertible: list[Unconvertible] = field(default_factory=list)
    unconvertible_count: int = 0
    refusal: str | None = None
    refusal_field: str | None = None

    def refuse(self, message: str, input_name: str) -> None:
        if self.refusal is None:
            self.refusal, self.refusal_field = message, input_name


@dataclass(frozen=True)
class Conversion:
    """One kind of type change: how a value converts, and whether the column changes in place."""

    converter: Callable[[Field, TypeChange], Convert]
    in_place: Callable[[Ddl, str, Field], None] | None = None
    lossless: bool = False  # every value converts: the dry run only counts them


def _kept(target: Field, change: TypeChange) -> Convert:
    return lambda value: value


def _checked(target: Field, change: TypeChange) -> Convert:
    """A value the new type checks (an integer too large for the decimal's scale is refused)."""
    return lambda value: target.type.validate(target, value)


def _one_item_list(target: Field, change: TypeChange) -> Convert:
    return lambda value: [value]


def _number(target: Field, change: TypeChange) -> Convert:
    """Text read as the new type's number; refused if it does not read, or would lose digits to rounding."""

    def convert(value: str) -> Any:
        number = target.type.parse(target, value)
        if isinstance(number, Decimal):
            try:
                exact = Decimal(value.strip())
            except InvalidOperation:
                exact = number
            if exact != number:
                raise FieldValueError(_("It has more decimals than %(scale)d: it would be rounded to %(number)s.",
                                        scale=target.settings.get("scale", 2), number=number))
        return number

    return convert


def _mapped(target: Field, change: TypeChange) -> Convert:
    """Text by the admin's mapping, or else an option it names (by value or label); blank text is empty."""

    def convert(value: str) -> Any:
        text = value.strip()
        if not text:
            return None
        if text in change.mapping:
            return change.mapping[text]
        try:
            return option_from_text(target, text)
        except FieldValueError:
            raise FieldValueError(_("No option is given for it.")) from None

    return convert


def _long_text(ddl: Ddl, table: str, target: Field) -> None:
    ddl.long_text(table, target.name)


def _to_decimal(ddl: Ddl, table: str, target: Field) -> None:
    ddl.integer_to_decimal(table, target.name, int(target.settings["scale"]))


CONVERSIONS: dict[tuple[str, str], Conversion] = {
    ("text", "long_text"): Conversion(_kept, _long_text, lossless=True),
    ("integer", "decimal"): Conversion(_checked, _to_decimal),
    ("select", "multi_select"): Conversion(_one_item_list, lossless=True),
    ("text", "select"): Conversion(_mapped),
    ("text", "integer"): Conversion(_number),
    ("text", "decimal"): Conversion(_number),
}


def targets(type_name: str) -> list[str]:
    """The types a field of type `type_name` can become."""
    return [new for old, new in CONVERSIONS if old == type_name]


# Why the other changes do not exist, where there is more to say than that Trato cannot convert the values.
_WHY_NOT = {
    ("decimal", "integer"): lambda: _("whole numbers would lose the digits after the point"),
    ("long_text", "text"): lambda: _("long texts may not fit a text field's length"),
    ("multi_select", "select"): lambda: _("a record may hold several options, and a select holds one"),
}


def _conversion(field: Field, new_type: str) -> Conversion:
    old = field.type.name
    if old == new_type:
        raise SchemaError(_("%(name)s is already of type %(type)s.", name=field.name, type=new_type), "type")
    conversion = CONVERSIONS.get((old, new_type))
    if conversion is None:
        why = _WHY_NOT.get((old, new_type), lambda: _("Trato has no way to convert its values"))()
        allowed = ", ".join(targets(old)) or _("none")
        raise SchemaError(_(
            "A field of type %(old)s cannot become %(new)s: %(why)s. A field of type %(old)s can become: "
            "%(allowed)s. To get a field of type %(new)s, add a new one, fill it in (by editing, or by exporting "
            "and importing the records), then delete this one.", old=old, new=new_type, why=why, allowed=allowed),
            "type")
    if field.unique and not registry().types.get(new_type).sortable:
        raise SchemaError(_("A unique field cannot become %(new)s, which cannot be unique.", new=new_type), "type")
    return conversion


def _scale(change: TypeChange) -> dict[str, Any]:
    if set(change.settings) - {"scale"}:
        raise SchemaError(_("Only a decimal's scale can be set with a type change."), "settings")
    scale = change.settings.get("scale", 2)
    if not isinstance(scale, int) or isinstance(scale, bool) or not 0 <= scale <= MAX_SCALE:
        raise SchemaError(_("The scale must be between 0 and 6."), "settings")
    return {"scale": scale}


def _option_value(text: str, taken: set[str]) -> str:
    """An option value made from `text` (a-z, 0-9, - and _), unlike those `taken`."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:56] or "option"
    made, number = base, 1
    while made in taken:
        number += 1
        made = f"{base}-{number}"
    return made


def proposed_options(texts: Sequence[str]) -> list[dict[str, Any]]:
    """One option per distinct text (most used first), texts that differ only in case or accents sharing one."""
    made: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for text in texts:
        key = _option_value(text, set())
        if key not in seen:
            seen[key] = _option_value(text, {o["value"] for o in made})
            made.append({"value": seen[key], "label": {"en": text[:MAX_LABEL]}})
    return made


def _target(field: Field, change: TypeChange, values: Sequence[str]) -> Field:
    """The field as it would be after the change; a select's options as given, or proposed from `values`."""
    ftype = registry().types.get(change.type)
    settings = _scale(change) if change.type == "decimal" else {}
    if change.type != "select":
        if change.options or change.mapping:
            raise SchemaError(_("Options and a mapping go only with a change to a select field."), "options")
        return replace(field, type=ftype, settings=settings, default=None)
    given = list(change.options) or proposed_options(values)
    choices = options(FieldSpec(name=field.name, type="select", label={"en": "-"}, options=given))
    made = replace(field, type=ftype, settings=settings, default=None,
                   options=tuple(Option(o["value"], o["label"]) for o in choices))
    unknown = sorted({str(v) for v in change.mapping.values() if v is not None} - set(made.option_values()))
    if unknown:
        raise SchemaError(_("The mapping names options the field does not have: %(values)s.",
                            values=", ".join(unknown)), "mapping")
    return made


def _hashable(value: Any) -> Any:
    return json.dumps(value, default=str) if isinstance(value, list) else value


class _Plan:
    """The conversion of every value a field holds, and the dry run's report of it."""

    def __init__(self, ddl: Ddl, entity: Entity, field: Field, change: TypeChange) -> None:
        self.conversion = _conversion(field, change.type)
        self.source = entity.table
        column = self.source.c[field.name]
        self.counts = [] if self.conversion.lossless else ddl.value_counts(self.source, column)
        self.by_text: Counter[str] = Counter()  # for a select: records per distinct text, spaces dropped
        if change.type == "select":
            for value, count in self.counts:
                if value.strip():
                    self.by_text[value.strip()] += count
        texts = [text for text, _count in self.by_text.most_common()]
        if len(texts) > MAX_MAPPED:
            raise SchemaError(_(
                "This field holds %(count)d different values; a select field offers a short list (at most "
                "%(max)d). Tidy the values first, or add a new select field and fill it in.",
                count=len(texts), max=MAX_MAPPED), "type")
        self.target = _target(field, change, texts)
        self.report = TypePreview(field.name, field.type.name, change.type, options=[
            {"value": o.value, "label": dict(o.label)} for o in self.target.options])
        self.convert = convert = self.conversion.converter(self.target, change)
        self.converted: dict[Any, Any] = {}
        failed: dict[Any, str] = {}
        for value, _count in self.counts:
            try:
                self.converted[value] = convert(value)
            except FieldValueError as err:
                failed[value] = str(err)
        self._count(ddl, column, failed)
        if change.type == "select":
            self._list_mapping(failed)
        self._check(field, convert, failed, ddl, column)

    def _count(self, ddl: Ddl, column: Any, failed: Mapping[Any, str]) -> None:
        report = self.report
        if self.conversion.lossless:
            report.records = report.converted = ddl.count(self.source, column.is_not(None))
            return
        for value, count in self.counts:
            blank = isinstance(value, str) and not value.strip()
            report.records += 0 if blank else count
            if value in failed:
                report.unconvertible_count += count
            elif self.converted[value] is not None:
                report.converted += count
            elif not blank:
                report.emptied += count

    def _list_mapping(self, failed: Mapping[Any, str]) -> None:
        becomes = {value.strip(): self.converted.get(value) for value, _count in self.counts}
        unmapped = {value.strip() for value in failed}
        self.report.values = [MappedValue(text, count, becomes[text], text not in unmapped)
                              for text, count in self.by_text.most_common()]

    def _check(self, field: Field, convert: Convert, failed: Mapping[Any, str], ddl: Ddl, column: Any) -> None:
        report = self.report
        if failed and report.new_type == "select":
            unmapped = sorted({str(v).strip() for v in failed})
            report.refuse(_("Values with no option yet (%(count)d): %(values)s. Map each to an option or to empty.",
                            count=len(unmapped), values=", ".join(repr(v) for v in unmapped[:10])), "mapping")
        elif failed:
            rows = ddl.rows_with(self.source, column, list(failed)[:1000], LISTED)
            report.unconvertible = [Unconvertible(row_id, value, failed[value]) for row_id, value in rows]
            example = report.unconvertible[0]
            report.refuse(_(
                "%(count)d records hold values that cannot become %(type)s; the first is record %(id)s, %(value)r: "
                "%(why)s Correct or empty those values first (the dry run lists them), then change the type.",
                count=report.unconvertible_count, type=report.new_type, id=example.id, value=example.value,
                why=example.reason), "type")
        if field.required and report.emptied:
            report.refuse(_("%(count)d records would have this required field empty: map their values to an "
                            "option.", count=report.emptied), "mapping")
        if field.unique:
            shared: Counter[Any] = Counter()
            for value, count in self.counts:
                if self.converted.get(value) is not None:
                    shared[_hashable(self.converted[value])] += count
            clash = next(((value, n) for value, n in shared.most_common(1) if n > 1), None)
            if clash:
                report.refuse(_("The field is unique, and %(count)d records would share the value %(value)s. "
                                "Make their values differ first.", count=clash[1], value=clash[0]), "type")
        if field.default is not None:
            try:
                self.target = replace(self.target, default=convert(field.default))
            except FieldValueError:
                report.refuse(_("The default value %(value)r does not fit the new type: change or clear it first.",
                                value=field.default), "default")


def preview_type_change(entity_name: str, name: str, change: TypeChange, *, user: Any = None) -> TypePreview:
    """The dry run of `change_field_type`: what it would do to the records, and why it would be refused.

    Nothing is changed. A change the schema service refuses whatever the
    values (a type it cannot convert to, bad options) raises SchemaError.
    """
    require_admin(user)
    with schema_read() as ddl:
        entity = registry().get(entity_name)
        return _Plan(ddl, entity, custom_field(entity, name), change).report


def change_field_type(entity_name: str, name: str, change: TypeChange, *, user: Any = None) -> Field:
    """Change a custom field's type and convert its values (see the module's table), or refuse saying why.

    A failure at any point leaves the column, its values and the metadata as
    they were.
    """
    require_admin(user)
    with schema_change(entity_name) as schema:
        entity = registry().get(entity_name)
        field = custom_field(entity, name)
        _conversion(field, change.type)
        if change.type == "select" and not change.options:
            raise SchemaError(_("Give the select field its options; the dry run proposes them from the values."),
                              "options")
        table = entity.table.name
        schema.ddl.lock_table(table)
        plan = _Plan(schema.ddl, entity, field, change)
        if plan.report.refusal:
            raise SchemaError(plan.report.refusal, plan.report.refusal_field)
        target = plan.target
        if plan.conversion.in_place:
            plan.conversion.in_place(schema.ddl, table, target)
        else:
            schema.ddl.convert_column(entity.table, field, target, plan.convert, STAGED)
        row = field_row(schema.session, entity, field)
        for key in ("type", "settings", "options", "default"):
            setattr(row, key, row_values(entity.name, target)[key])
        if not target.type.searchable:
            entity_row = schema.session.get(EntityRow, entity.name)
            if entity_row is not None and name in (entity_row.search_fields or []):
                entity_row.search_fields = [n for n in entity_row.search_fields if n != name]
    return registry().get(entity_name).field(name)
