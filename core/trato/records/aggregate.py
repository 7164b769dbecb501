"""Counts, sums, averages, minimums and maximums of records by group, with the user's scope and field rules.

    rows = records.aggregate("sales_deal", user=current_user, group_by=["stage_id", "close_date:quarter"],
                             measures=["count", "sum:amount", "avg:probability"], where={"pipeline_id": 1})

One scoped query limits the rows, as every list does; the field rules limit
the columns: a field the user's role hides cannot be grouped by, measured
or filtered on (`HiddenField`, a PermissionRefused naming it), so no report
built on this shows or sums what the generic list hides. Money is measured
per currency and stays Decimal; dates and moments group by month, quarter,
year or fiscal year (docs/aggregates.md).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, extract, func, select

from .. import access, db
from ..entities import Entity
from ..i18n import _
from .common import entity_of
from .errors import QueryError
from .filters import Condition, Group
from .query import query

FUNCTIONS = ("count", "sum", "avg", "min", "max")
BUCKETS = ("month", "quarter", "year", "fiscal_year")
CURRENCY = "currency"  # a money field's: "amount:currency"
NUMERIC = frozenset({"integer", "decimal", "percent", "money"})
DATED = frozenset({"date", "datetime"})


class HiddenField(access.PermissionRefused):
    """A field the user's role hides was asked to be grouped by, measured or filtered on; `field` names it."""

    def __init__(self, message: str, entity: str, field_name: str) -> None:
        super().__init__(message, "view", entity)
        self.field = field_name


@dataclass
class Bucket:
    """One group: its key (by group-by name, "close_date:month" → "2026-03"), how many records, and each measure
    ("sum:amount" → {"EUR": Decimal(...)} for money, a number or None otherwise)."""

    key: dict[str, Any]
    count: int = 0
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Measure:
    name: str  # as asked: "sum:amount"
    function: str
    field: str
    money: bool


@dataclass(frozen=True)
class _Grouping:
    name: str  # as asked: "close_date:month"
    field: str
    bucket: str | None


def _visible_field(entity: Entity, name: str, hidden: frozenset[str]) -> Any:
    if name in hidden:
        raise HiddenField(_("Your role does not show the field %(field)s, so it cannot be used here.", field=name),
                          entity.name, name)
    found = entity.fields.get(name)
    if found is None:
        raise QueryError(_("Unknown field %(field)r.", field=name), name)
    return found


def _measures(entity: Entity, asked: Iterable[str], hidden: frozenset[str]) -> list[_Measure]:
    found = []
    for text in asked:
        if text == "count":
            continue
        function, _sep, name = text.partition(":")
        if function not in FUNCTIONS or not name:
            raise QueryError(_("A measure is count, or sum, avg, min or max and a field, as sum:amount."), text)
        f = _visible_field(entity, name, hidden)
        kind = f.type.name
        if function in ("sum", "avg") and kind not in NUMERIC or kind not in NUMERIC | DATED:
            raise QueryError(_("%(field)s cannot be measured with %(function)s.", field=name, function=function),
                             name)
        found.append(_Measure(text, function, name, kind == "money"))
    return found


def _groupings(entity: Entity, asked: Iterable[str], hidden: frozenset[str]) -> list[_Grouping]:
    found = []
    for text in asked:
        name, _sep, bucket = text.partition(":")
        f = _visible_field(entity, name, hidden)
        if bucket == CURRENCY and f.type.name == "money":
            found.append(_Grouping(text, name, CURRENCY))
            continue
        if bucket and (bucket not in BUCKETS or f.type.name not in DATED):
            raise QueryError(_("Only a date groups by month, quarter, year or fiscal_year, and money by "
                               "currency."), text)
        if f.type.name in ("money", "json") or f.type.cell in ("tags", "files"):
            raise QueryError(_("Records cannot be grouped by %(field)s.", field=name), text)
        found.append(_Grouping(text, name, bucket or None))
    return found


def _filtered_fields(node: Any) -> set[str]:
    """The fields a `where` names: each must be visible too (the query builder refuses hidden ones as well)."""
    if isinstance(node, Mapping):
        return {key.split("__")[0].split(".")[0] for key in node}
    if isinstance(node, Condition):
        return {node.field.split(".")[0]}
    if isinstance(node, Group):
        return set().union(*(_filtered_fields(item) for item in node.items))
    if isinstance(node, (list, tuple)):  # (key, value) pairs
        return _filtered_fields(dict(node))
    return set()


def _label(bucket: str | None, year: int | None, month: int | None, fiscal_start: int) -> Any:
    if year is None or month is None:
        return None
    year, month = int(year), int(month)  # PostgreSQL's EXTRACT answers numeric
    if bucket == "month":
        return f"{year:04d}-{month:02d}"
    if bucket == "quarter":
        return f"{year:04d}-Q{(month - 1) // 3 + 1}"
    if bucket == "year":
        return f"{year:04d}"
    first = year if month >= fiscal_start else year - 1  # the fiscal year is named by the year it starts in
    return f"{first:04d}" if fiscal_start == 1 else f"{first:04d}/{(first + 1) % 100:02d}"


def aggregate(entity: Entity | str, user: Any, group_by: Sequence[str] = (), measures: Sequence[str] = ("count",),
              where: Any = None, fiscal_year_start: int = 1, every_record: bool = False) -> list[Bucket]:
    """The records of `entity` that `user` may see (matching `where`, as `RecordQuery.where` reads it), grouped.

    `group_by` names fields, a date's with ":month", ":quarter", ":year" or
    ":fiscal_year" (starting in month `fiscal_year_start`), a money field's
    with ":currency" (its currency code); `measures` are
    "count" and "sum:f", "avg:f", "min:f", "max:f". Buckets come sorted by
    key, empty values last. `every_record` counts every live record, not
    only those in the user's scope (a team goal's progress), while the
    user's field rules still apply. Raises HiddenField (a PermissionRefused)
    for a hidden field, QueryError for anything else that cannot be done.
    """
    e = entity_of(entity)
    if not 1 <= fiscal_year_start <= 12:
        raise QueryError(_("The fiscal year starts in a month from 1 to 12."), "fiscal_year_start")
    hidden = access.hidden_fields(user, e) if user is not None else frozenset()
    groupings = _groupings(e, group_by, hidden)
    wanted = _measures(e, measures, hidden)
    for name in sorted(_filtered_fields(where) - {"id"}):
        _visible_field(e, name, hidden)
    source = query(e, user=None if every_record else user)
    if where is not None:
        source = source.where(where)
    rows = source.statement().subquery()
    keys: list[ColumnElement[Any]] = []
    utc = db.session().get_bind().dialect.name == "postgresql"
    for g in groupings:
        column = rows.c[f"{g.field}_currency" if g.bucket == CURRENCY else g.field]
        if g.bucket == CURRENCY:
            keys.append(column)
            continue
        if g.bucket and utc and e.fields[g.field].type.name == "datetime":
            column = func.timezone("UTC", column)  # months in UTC, whatever the connection's time zone
        keys += [extract("year", column), extract("month", column)] if g.bucket else [column]
    currencies = sorted({m.field for m in wanted if m.money})
    keys += [rows.c[f"{name}_currency"] for name in currencies]
    columns: list[ColumnElement[Any]] = [func.count()]
    for m in wanted:
        column = rows.c[m.field]
        columns += [func.sum(column), func.count(column)] if m.function == "avg" else \
            [getattr(func, m.function)(column)]
    found: dict[tuple[Any, ...], Bucket] = {}
    for row in db.session().execute(select(*keys, *columns).select_from(rows).group_by(*keys)):
        at = 0
        key: dict[str, Any] = {}
        for g in groupings:
            if g.bucket and g.bucket != CURRENCY:
                key[g.name] = _label(g.bucket, row[at], row[at + 1], fiscal_year_start)
                at += 2
            else:
                key[g.name] = row[at]
                at += 1
        currency = dict(zip(currencies, row[at:at + len(currencies)]))
        at += len(currencies)
        bucket = found.setdefault(tuple(key.values()), Bucket(key))
        bucket.count += row[at]
        at += 1
        for m in wanted:
            width = 2 if m.function == "avg" else 1
            _fold(bucket, m, row[at:at + width], currency.get(m.field) or "")
            at += width
    for bucket in found.values():
        bucket.values["count"] = bucket.count
        for m in wanted:
            if m.function == "avg":
                bucket.values[m.name] = _averages(bucket.values[m.name], m.money)
    return [found[k] for k in sorted(found, key=lambda k: tuple((v is None, str(v) if v is not None else "")
                                                               for v in k))]


def _fold(bucket: Bucket, m: _Measure, values: Sequence[Any], currency: str) -> None:
    """Add one SQL row's part of measure `m` (several rows make a bucket: date parts, currencies)."""
    if m.function == "avg":
        total, count = values
        sums = bucket.values.setdefault(m.name, {})
        before = sums.get(currency, (Decimal(0), 0))
        sums[currency] = (before[0] + Decimal(total or 0), before[1] + count)
        return
    value = values[0]
    if m.money:
        per = bucket.values.setdefault(m.name, {})
        if value is not None:
            per[currency] = _combine(m.function, per.get(currency), Decimal(value))
        return
    bucket.values[m.name] = _combine(m.function, bucket.values.get(m.name), value)


def _combine(function: str, before: Any, value: Any) -> Any:
    if value is None or before is None:
        return before if value is None else value
    if function == "sum":
        return before + value
    return min(before, value) if function == "min" else max(before, value)


def _averages(sums: dict[str, tuple[Decimal, int]], money: bool) -> Any:
    means = {code: total / count for code, (total, count) in sums.items() if count}
    return means if money else means.get("")
