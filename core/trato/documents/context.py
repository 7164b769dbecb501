"""The merge fields of a document: plain data (text, lists, dicts) built from a record as its user sees it.

Templates never get a record, an entity or a user object, only what is
built here: each value already formatted for the document's language
(money with its currency, dates in the locale), fields hidden from the
user left out, related records and lines read with the user's access.
`sample` builds the same shape with the fields' labels as values, for the
template editor's list of merge fields and its trial render on save.
"""
from __future__ import annotations

import base64
import mimetypes
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask_babel import format_date

from .. import access, companies, records
from ..entities import Entity, UnknownEntity
from ..fields import Field, Money, localize
from ..formatting import money
from ..hooks.calls import call_hook
from ..records import RecordData, RecordNotFound
from ..records.common import entity_of
from ..records.lines import children
from ..presentation import Presenter, visible_fields

Context = dict[str, Any]
COMPANY_KEYS = ("legal_name", "trade_name", "name", "tax_id", "address", "email", "phone", "website",
                "base_currency", "logo")


def _content(entity: Entity, user: Any) -> list[Field]:
    """The fields a document shows: those the user may see, less the bookkeeping ones (id, owner, version…)."""
    return [f for f in visible_fields(entity, user) if not f.system]


def _texts(entity: Entity, items: list[RecordData], user: Any) -> list[dict[str, str]]:
    """Each record's visible fields as the user reads them, by name (an empty value is "")."""
    presenter = Presenter(entity, items, user)
    return [{s.name: s.text for s in presenter.row(item)} for item in items]


def _placeholders(entity: Entity, user: Any) -> dict[str, str]:
    return {f.name: f"[{localize(f.label)}]" for f in visible_fields(entity, user)}


def _record(entity: Entity, texts: Mapping[str, str], record_id: Any, title: str) -> dict[str, Any]:
    return {**texts, "id": record_id, "title": title}


def _fields(entity: Entity, user: Any, texts: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"name": f.name, "label": localize(f.label), "text": texts.get(f.name, "")}
            for f in _content(entity, user) if texts.get(f.name)]


def _related(entity: Entity, record: RecordData | None, user: Any) -> dict[str, dict[str, Any]]:
    """Each relation field's record as the user may see it; an empty one (every field "") when unset or unseen."""
    found: dict[str, dict[str, Any]] = {}
    for f in visible_fields(entity, user):
        if f.type.cell != "relation" or f.system:
            continue
        try:
            target = entity_of(f.type.target(f))
        except UnknownEntity:
            continue  # a disabled plugin's entity
        if record is None:
            found[f.name] = _record(target, _placeholders(target, user), 0, f"[{localize(f.label)}]")
            continue
        empty = _record(target, dict.fromkeys(_placeholders(target, user), ""), None, "")
        found[f.name] = empty
        if record.get(f.name) is None:
            continue
        try:
            related = records.get(target, record[f.name], user=user)
        except (RecordNotFound, access.PermissionRefused):
            continue
        found[f.name] = _record(target, _texts(target, [related], user)[0], related.id, target.title_of(related))
    return found


def _total(values: Iterable[Any]) -> str:
    """The sum of a money column, per currency ("" when the column is empty)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for value in values:
        if isinstance(value, Money):
            sums[value.currency] += value.amount
    return " + ".join(money(amount, currency) for currency, amount in sums.items())


def _table(child: Entity, rows: list[RecordData], user: Any, texts: list[dict[str, str]] | None = None
           ) -> dict[str, Any]:
    """One child entity's lines: the columns that some line fills (a page is only so wide), each line's texts,
    and the money columns' totals."""
    texts = _texts(child, rows, user) if texts is None else texts
    columns = [f for f in _content(child, user) if any(t.get(f.name) for t in texts)]
    return {
        "entity": child.name,
        "label": child.plural_text,
        "columns": [{"name": f.name, "label": localize(f.label), "numeric": f.type.cell in ("money", "number",
                                                                                           "percent")}
                    for f in columns],
        "rows": texts,
        "totals": {f.name: _total(r.get(f.name) for r in rows) for f in _summed(columns)},
    }


def _summed(columns: list[Field]) -> list[Field]:
    """The money columns whose sum means something: those the entity computes (a line's total, not its unit
    price) when it computes any, else every one (an expense's amount)."""
    money_columns = [f for f in columns if f.type.cell == "money"]
    return [f for f in money_columns if f.system_set] or money_columns


def _lines(entity: Entity, record: RecordData | None, user: Any) -> dict[str, dict[str, Any]]:
    """The record's lines per child entity (trato.records.lines), in order; a sample line each without a record."""
    if record is None:
        return {child.name: _table(child, [], user, [_placeholders(child, user)]) for child in children(entity)}
    found = records.lines(entity.name, record.id, user=user)
    return {name: _table(entity_of(name), rows, user) for name, rows in found.items()}


def _logo(path: Path | None) -> str:
    """The logo as a data URI, so that the PDF needs nothing fetched; "" without one."""
    if path is None or not path.is_file():
        return ""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _company(entity: Entity, values: Mapping[str, Any]) -> dict[str, str]:
    info = companies.company_for(entity.name, values)
    return {key: getattr(info, key) if key != "logo" else _logo(info.logo_path) for key in COMPANY_KEYS}


def _user(user: Any) -> dict[str, str]:
    return {"name": getattr(user, "name", "") or "", "email": getattr(user, "email", "") or ""}


def _base(entity: Entity, language: str, user: Any, title: str) -> Context:
    return {
        "document": {"entity": entity.name, "kind": entity.text, "title": title, "language": language},
        "labels": {f.name: localize(f.label) for f in visible_fields(entity, user)},
        "today": format_date(datetime.now(timezone.utc), "long"),
        "user": _user(user),
    }


def build(entity: Entity, record: RecordData, user: Any, language: str) -> Context:
    """The merge fields of `record`, as `user` sees it, in the current (forced) language."""
    texts = _texts(entity, [record], user)[0]
    title = entity.title_of(record)
    context = _base(entity, language, user, title) | {
        "record": _record(entity, texts, record.id, title),
        "fields": _fields(entity, user, texts),
        "related": _related(entity, record, user),
        "lines": _lines(entity, record, user),
        "company": _company(entity, record),
    }
    call_hook("document_context", entity=entity.name, record=record, context=context, user=user)
    return context


def sample(entity: Entity, user: Any, language: str) -> Context:
    """Merge fields of the same shape as `build`'s, each value its label in brackets; `record` is None for the
    `document_context` hook."""
    texts = _placeholders(entity, user)
    title = f"[{entity.text}]"
    context = _base(entity, language, user, title) | {
        "record": _record(entity, texts, 0, title),
        "fields": _fields(entity, user, texts),
        "related": _related(entity, None, user),
        "lines": _lines(entity, None, user),
        "company": {key: f"[{key}]" if key != "logo" else "" for key in COMPANY_KEYS},
    }
    call_hook("document_context", entity=entity.name, record=None, context=context, user=user)
    return context


def names(context: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The dotted names of every merge field (`record.name`, `company.tax_id`, `lines.x.rows`), for the editor."""
    found: list[str] = []
    for key, value in context.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and prefix.count(".") < 2:
            found.extend(names(value, f"{path}."))
        else:
            found.append(path)
    return found
