"""The query builder: every read of records, scoped to what the user may see.

    page = records.query("sales_deal", user=user).where({"stage": "won", "amount__gte": "1000"}) \\
        .search("acme").order_by("-amount").page(limit=50, cursor=request.args.get("cursor"))
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from time import perf_counter
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import ColumnElement, Select, select

from .. import access, collation, db, search
from ..filter_indexes.watch import observe as observe_filters
from ..entities import Entity, UnknownField
from ..i18n import _, select_locale
from . import cursor as keyset
from .common import entity_of, scoped
from .count import Count, count
from .data import RecordData
from .errors import QueryError
from .titles import note as note_titles
from .filters import Condition, FilterCompiler, Group, Node, field_name, from_params

MAX_LIMIT = 500
COUNT_THRESHOLD = 10_000
DEFAULT_SORT = "-id"


@dataclass(frozen=True)
class Page:
    items: list[RecordData]
    next_cursor: str | None
    # The first page with no page after it: every match is here, so they need no counting.
    complete: bool = False


@dataclass(frozen=True)
class RecordQuery:
    """An immutable description of a list of records; each method returns a new one."""

    entity: Entity
    user: Any
    conditions: tuple[ColumnElement[bool], ...] = ()
    sort: str = DEFAULT_SORT
    deleted: bool = False
    # The (field, operator) pairs filtered on, watched for slow runs (filter_indexes).
    filtered: tuple[tuple[str, str], ...] = ()

    def where(self, node: Node | Mapping[str, Any] | Iterable[tuple[str, Any]]) -> RecordQuery:
        """Keep records matching a filter tree, or `field[__op]=value` pairs (all must hold)."""
        if not isinstance(node, (Condition, Group)):
            node = from_params(node)
        compiler = FilterCompiler(self.entity, self.user, current_app.extensions["trato"].entities)
        return replace(self, conditions=(*self.conditions, compiler.compile(node)),
                       filtered=(*self.filtered, *_pairs(self.entity, node)))

    def search(self, text: str) -> RecordQuery:
        """Keep records where every word of `text` appears in one of the search fields."""
        words = text.split()[:10]
        if not words:
            return self
        hidden = access.hidden_fields(self.user, self.entity)  # a match must not tell what a hidden field holds
        fields = [self.entity.fields[name] for name in self.entity.search_fields if name not in hidden]
        if not fields:
            raise QueryError(_("%(entity)s has no search fields.", entity=self.entity.text))
        phones = [f for f in self.entity.fields.values() if f.type.cell == "phone" and f.name not in hidden]
        return replace(self, conditions=(*self.conditions, search.condition(self.entity, fields, words, phones)))

    def order_by(self, spec: str | Sequence[str]) -> RecordQuery:
        """Sort by fields, `-` for descending: "-amount,name" or ["-amount", "name"]."""
        sort = spec if isinstance(spec, str) else ",".join(spec)
        query = replace(self, sort=sort.replace(" ", "") or DEFAULT_SORT)
        query.keys()
        return query

    def keys(self) -> list[keyset.SortKey]:
        """The sort's terms, `id` last; text compares by the reader's language (collation.py)."""
        keys = []
        dialect, language = db.engine().dialect, sort_language(self.user)
        for part in self.sort.split(","):
            name = part.lstrip("-")
            try:
                field = self.entity.field(name)
            except UnknownField:
                raise QueryError(_("Unknown sort field %(field)r.", field=name), name) from None
            if not field.sortable:
                raise QueryError(_("Records cannot be sorted by %(field)r.", field=name), name)
            if name in access.hidden_fields(self.user, self.entity):
                raise QueryError(_("Field %(field)r is hidden for your role: records cannot be sorted by it.",
                                   field=name), name)
            expression = field.type.expression(field, self.entity.table)
            nullable = bool(getattr(expression, "nullable", True))
            if field.type.searchable:
                expression = collation.collate(expression, dialect, language)
            keys.append(keyset.SortKey(field, expression, part.startswith("-"), nullable))
        if "id" not in [k.field.name for k in keys]:
            keys.append(keyset.SortKey(self.entity.field("id"), self.entity.table.c.id, keys[-1].descending, False))
        return keys

    def statement(self) -> Select[Any]:
        """The scoped, filtered select of whole rows, unordered (for exports and reports)."""
        return scoped(self.entity, self.user, self.deleted).where(*self.conditions)

    def page(self, limit: int = 50, cursor: str | None = None) -> Page:
        """Up to `limit` records after `cursor` (from the previous page), and the next page's cursor."""
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(_("The limit must be between 1 and %(max)s.", max=MAX_LIMIT), "limit")
        with self._watched():
            return self._page(limit, cursor)

    def _page(self, limit: int, cursor: str | None) -> Page:
        keys = self.keys()
        # A cursor holds the order it was made in: text sorted in another language is another order.
        order = f"{self.sort}@{sort_language(self.user)}"
        values = keyset.decode(cursor, order, keys) if cursor else None
        lead, rest = keys[0], keys[1:]
        if not lead.nullable:
            rows = self._rows(self.statement(), keys, values, limit + 1)
        else:  # the filled rows, then the empty ones: two index-friendly parts
            rows = []
            if values is None or values[0] is not None:
                filled = self.statement().where(lead.expression.is_not(None))
                rows = self._rows(filled, [replace(lead, nullable=False), *rest], values, limit + 1)
            if len(rows) <= limit:
                empty = self.statement().where(lead.expression.is_(None))
                after_empty = values[1:] if values is not None and values[0] is None else None
                rows += self._rows(empty, rest, after_empty, limit + 1 - len(rows))
        items = RecordData.of_rows(self.entity, rows[:limit])
        note_titles(self.entity, items)
        following = None
        if len(rows) > limit:
            last = items[-1]
            following = keyset.encode(order, [k.field.type.sort_key(k.field, last[k.field.name]) for k in keys])
        return Page(items, following, complete=cursor is None and following is None)

    def _rows(self, stmt: Select[Any], keys: list[keyset.SortKey], values: list[Any] | None, limit: int
              ) -> list[Any]:
        if values is not None:
            stmt = stmt.where(keyset.after(keys, values))
        return list(db.session().execute(stmt.order_by(*(k.ordering() for k in keys)).limit(limit)).mappings())

    def count(self, threshold: int | None = None, page: Page | None = None) -> Count:
        """How many records match: exact up to `threshold` when cheap, else an estimate or a floor (flagged).

        Given the `page` just read, a first page that holds every match is
        counted without asking the database again, and a filter no index
        serves is counted no further than that page read (records/count.py).
        """
        if page is not None and page.complete:
            return Count(len(page.items), "exact")
        threshold = COUNT_THRESHOLD if threshold is None else threshold
        seen = len(page.items) + 1 if page is not None and page.next_cursor else 0
        ids = self.entity.table.c.id
        filters = select(ids).where(*self.conditions) if self.conditions else None
        return count(db.session(), self.statement(), ids, threshold, filters=filters, seen=seen)

    @contextmanager
    def _watched(self) -> Iterator[None]:
        """Time a page; a slow one notes the fields it filtered on, which may earn them an index (its count is
        bounded, records/count.py, so the page is what an index speeds up)."""
        started = perf_counter()
        yield
        if self.filtered:
            observe_filters(self.entity, self.filtered, (perf_counter() - started) * 1000)


def _pairs(entity: Entity, node: Node) -> Iterator[tuple[str, str]]:
    """The (field, operator) of each condition in `node` on `entity` itself (not one relation away)."""
    if isinstance(node, Group):
        for item in node.items:
            yield from _pairs(entity, item)
    elif "." not in node.field:
        yield field_name(entity, node.field), node.op


def sort_language(user: Any) -> str:
    """The language whose rules sort text: the request's, else the user's (an export job), else the install's."""
    chosen = select_locale() if has_request_context() else getattr(user, "locale", None)
    return collation.language_of(chosen or current_app.extensions["trato"].settings.default_locale)


def query(entity: str | Entity, *, user: Any, deleted: bool = False) -> RecordQuery:
    """Start a query on the records of `entity` that `user` may see (the recycle bin's with `deleted`)."""
    e = entity_of(entity)
    access.check(user, e, "view")
    return RecordQuery(e, user, deleted=deleted)
