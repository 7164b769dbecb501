"""The state of a list page, held in its URL so that a filtered list can be bookmarked and shared.

    /r/x_vehicle/?q=seat&sort=-price,name&cols=name,price,owner_id&brand__in=seat,cupra&price__gte=10000
    /r/x_vehicle/?filter={"or":[{"field":"brand","op":"eq","value":"seat"},{"field":"price","op":"lt","value":"9000"}]}

`q` is the quick search, `sort` the sort, `cols` the columns (`col`, once
per column, from the column chooser) and `cursor` the page; `filter` is a
JSON filter tree (AND/OR groups, as the API's `filter` takes it); every
other parameter is a filter in the API's spelling (`field[__op]=value`),
so the same URL works on `/api/v1/<entity>`. The kanban and calendar pages
read the same state and add their own settings (`by`, `sum`, `field`, ...).
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from .. import records
from ..activity.tags import tag_filter
from ..entities import Entity
from ..fields import Field, localize, shown_number
from ..i18n import _, _l
from ..records import Condition, Group, QueryError, RecordQuery
from ..records.filters import field_name

# Parameters that are not filters: the list's own, and the settings of the kanban and calendar pages.
RESERVED = frozenset({"q", "sort", "cols", "col", "cursor", "limit", "filter", "view", "tag",
                      "by", "sum", "cards", "field", "month", "week", "value"})
PAGE_SIZE = 50

OPERATOR_LABELS = {
    "eq": _l("is"), "ne": _l("is not"), "lt": _l("is less than"), "lte": _l("is at most"),
    "gt": _l("is greater than"), "gte": _l("is at least"), "in": _l("is one of"), "contains": _l("contains"),
    "startswith": _l("starts with"), "isnull": _l("is empty"),
}
NOT_EMPTY = _l("is not empty")


def describe(field: Field | None, key: str, op: str, value: Any) -> str:
    """A condition as a person reads it: "City is Madrid"."""
    label = localize(field.label) if field else key
    if op == "isnull":
        empty = str(value).strip().lower() in ("1", "true", "yes", "on", "")
        return f"{label} {OPERATOR_LABELS['isnull'] if empty else NOT_EMPTY}"
    shown = ", ".join(map(str, value)) if isinstance(value, list) else _number(field, value)
    return f"{label} {OPERATOR_LABELS.get(op, op)} {shown}"


def _number(field: Field | None, value: Any) -> Any:
    """A number of the URL's locale-free form as the user writes it ("12.500,5" in Spanish); else as it is."""
    if field is None or field.type.cell not in ("number", "money", "percent") or not isinstance(value, str):
        return value
    try:
        return shown_number(Decimal(value))
    except (InvalidOperation, ValueError):
        return value


@dataclass(frozen=True)
class Filter:
    """One condition of the list, as shown in its chip and written in the URL."""

    key: str  # field[__op]
    value: str
    field: Field | None
    op: str

    @property
    def text(self) -> str:
        return describe(self.field, self.key, self.op, self.value)


def tree_text(entity: Entity, node: records.Condition | records.Group) -> str:
    """A filter tree as a person reads it: "(City is Madrid or Amount is at least 100)"."""
    if isinstance(node, Group):
        joiner = f" {_('or')} " if node.mode == "or" else f" {_('and')} "
        inner = joiner.join(tree_text(entity, item) for item in node.items)
        return f"({inner})" if len(node.items) > 1 else inner
    path = node.field.split(".")
    field = entity.fields.get(path[0]) if len(path) == 1 else None
    return describe(field, node.field, node.op, node.value)


@dataclass(frozen=True)
class ListState:
    q: str
    sort: str
    columns: tuple[str, ...]
    filters: tuple[Filter, ...]
    cursor: str | None
    tree: Any = None  # the `filter` parameter, as parsed JSON
    tree_error: str | None = None
    tag: str = ""  # records carrying this tag (tags are kept beside records, not in a column)

    @classmethod
    def read(cls, entity: Entity, args: MultiDict[str, str], visible: Mapping[str, Field],
             kept: Sequence[str] = ()) -> ListState:
        """The state the URL asks for; its columns, when it names none, those the user `kept`, else the default."""
        asked = args.getlist("col") or args.get("cols", "").split(",")  # the column chooser's boxes, or the URL's
        cols = (tuple(c for c in asked if c in visible) or tuple(c for c in kept if c in visible)
                or default_columns(entity, visible))
        filters = []
        for key, value in args.items(multi=True):
            if key in RESERVED or key.startswith("_"):
                continue
            path, _sep, op = key.partition("__")
            path = field_name(entity, path)  # `region` for the admin's cf_region: one name in the URL
            filters.append(Filter(f"{path}__{op}" if op else path, value, entity.fields.get(path), op or "eq"))
        tree, tree_error = None, None
        if args.get("filter"):
            try:
                tree = json.loads(args["filter"])
            except ValueError:
                tree_error = _("The filter parameter is not valid JSON.")
        q = args.get("q", "").strip()
        return cls(q, args.get("sort", "").strip() or default_sort(entity, q), cols,
                   tuple(filters), args.get("cursor") or None, tree, tree_error, args.get("tag", "").strip())

    @property
    def tree_node(self) -> records.Condition | records.Group | None:
        """The `filter` tree as Conditions and Groups (QueryError if malformed)."""
        if self.tree_error:
            raise QueryError(self.tree_error, "filter")
        return None if self.tree is None else records.from_json(self.tree)

    def tree_items(self, entity: Entity) -> list[str]:
        """The texts of the tree's top-level items (each a chip that can be removed), or of the whole tree."""
        node = self.tree_node
        if node is None:
            return []
        if isinstance(node, Group) and node.mode == "or" and node.items:
            return [tree_text(entity, item) for item in node.items]
        return [tree_text(entity, node)]

    def node(self) -> records.Group:
        """Every condition of the list: the `field__op=value` pairs and the tree, all of which must hold."""
        parts: list[Condition | Group] = [records.from_params([(f.key, f.value) for f in self.filters])]
        if (tree := self.tree_node) is not None:
            parts.append(tree)
        return Group("and", tuple(parts))

    def with_or(self, condition: dict[str, Any]) -> str:
        """The `filter` tree with `condition` added as one more alternative of its OR group."""
        tree = self.tree
        if isinstance(tree, dict) and list(tree) == ["or"] and isinstance(tree["or"], list):
            tree = {"or": [*tree["or"], condition]}
        else:
            tree = {"or": [condition] if tree is None else [tree, condition]}
        return json.dumps(tree, ensure_ascii=False)

    def without_tree_item(self, index: int) -> str | None:
        """The `filter` tree less its top-level alternative `index` (None when nothing is left)."""
        tree = self.tree
        if isinstance(tree, dict) and list(tree) == ["or"] and isinstance(tree["or"], list) and len(tree["or"]) > 1:
            rest = [item for i, item in enumerate(tree["or"]) if i != index]
            return json.dumps({"or": rest}, ensure_ascii=False)
        return None

    def params(self, drop_filter: int | None = None, **changes: Any) -> list[tuple[str, str]]:
        """This state's URL parameters with some changed (None drops one) and, optionally, a filter removed."""
        tree = json.dumps(self.tree, ensure_ascii=False) if self.tree is not None else None
        pairs = [(k, changes.pop(k, v)) for k, v in (("q", self.q), ("sort", self.sort),
                                                      ("cols", ",".join(self.columns)), ("filter", tree),
                                                      ("tag", self.tag))]
        pairs += list(changes.items())
        pairs += [(f.key, f.value) for i, f in enumerate(self.filters) if i != drop_filter]
        return [(k, v) for k, v in pairs if v not in (None, "")]

    def query_string(self, drop_filter: int | None = None, **changes: Any) -> str:
        return urlencode(self.params(drop_filter, **changes))

    def sorted_by(self, name: str) -> str:
        """The sort a click on `name`'s header asks for: ascending first, then descending."""
        return f"-{name}" if self.sort == name else name

    def direction(self, name: str) -> str | None:
        first = self.sort.split(",")[0]
        if first == name:
            return "ascending"
        if first == f"-{name}":
            return "descending"
        return None

    def query(self, entity: Entity, user: Any, visible: Mapping[str, Field]) -> RecordQuery:
        """The records this state asks for, filtered, searched and sorted (QueryError for what cannot be)."""
        hidden = {f.key.split("__")[0].split(".")[0] for f in self.filters} - set(visible)
        if hidden:
            raise QueryError(_("Unknown filter field %(field)r.", field=sorted(hidden)[0]), sorted(hidden)[0])
        query = records.query(entity, user=user).where(self.node())
        if self.tag:
            query = replace(query, conditions=(*query.conditions, tag_filter(entity, self.tag)))
        if self.q:
            query = query.search(self.q)
        return query.order_by(self.sort)


def default_columns(entity: Entity, visible: Mapping[str, Field]) -> tuple[str, ...]:
    chosen = [c for c in entity.list_columns if c in visible]
    if not chosen:
        chosen = [f.name for f in sorted(visible.values(), key=lambda f: f.position) if not f.system][:5]
    return tuple(chosen or ["id"])


def default_sort(entity: Entity, q: str = "") -> str:
    """By title, or newest first where there is none; a quick search's matches newest first.

    Matches of a search are not listed by title unless asked: walking the title
    index until a page of them is found reads every record filed before the
    first match (100 ms at a million contacts for "gonz"), where newest first
    reads a few rows, or lets the search index answer for a rare word.
    """
    title = entity.fields.get(entity.title_field or "")
    return title.name if title is not None and title.sortable and not q else "-id"


# Bookkeeping columns a person never filters by (the API still may): the id, the version counter, the deletion stamp.
NOT_OFFERED_AS_FILTERS = frozenset({"id", "version", "deleted_at"})


def filter_fields(visible: Mapping[str, Field]) -> list[Field]:
    """The fields the filter builder offers: those with operators, less the bookkeeping columns."""
    return [f for f in visible.values() if f.operators and f.name not in NOT_OFFERED_AS_FILTERS]


def select_fields(visible: Mapping[str, Field]) -> list[Field]:
    """The fields a kanban can group by."""
    return [f for f in visible.values() if f.type.widget == "select" and f.options]


def date_fields(visible: Mapping[str, Field]) -> list[Field]:
    """The fields a calendar can place records by: the entity's own dates first, then the system's."""
    found = [f for f in visible.values() if f.type.cell in ("date", "datetime")]
    return sorted(found, key=lambda f: (f.system, f.position))
