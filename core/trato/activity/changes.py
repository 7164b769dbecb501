"""Audited changes as people read them: titles, labels, money, numbers and dates in the reader's language.

The audit history keeps each value in the API's JSON form (ids, option
keys, "25.00", ISO dates), which is right for the record but not for a
person. Here each value is loaded back through its field type and shown as
the record's own page shows it (`trato.presentation.Presenter`): the related
record's title (when the reader may see it, else "#id"), the option's
label, "25,00 €" in Spanish, the user's name. A value erased for privacy
shows as the marker in the reader's language. One presenter serves a
whole page of entries of one entity, so titles and names are read once per
target, not once per entry.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app

from ..entities import Entity, UnknownEntity
from ..fields import Field, FieldValueError
from ..i18n import _
from ..records.audit import REDACTED
from ..presentation import Presenter, visible_fields

Change = tuple[str, str | None, str | None]  # the field's label, the old value and the new one as text


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _loaded(field: Field, value: Any) -> tuple[Any, bool]:
    """The value as the record holds it, and whether it loaded (an old value may no longer fit the field)."""
    if _empty(value) or value == REDACTED:
        return value, True
    try:
        return field.type.validate(field, value), True
    except FieldValueError:
        return value, False


def readable(entity: Entity, entries: Sequence[Mapping[str, Sequence[Any]]], user: Any) -> list[dict[str, Change]]:
    """For each entry's changes (`{field: [old, new]}`), `{field: (label, old text, new text)}` of the fields the
    user may see, in the entry's order; fields the role hides, and names that are no field, are left out."""
    shown = {f.name: f for f in visible_fields(entity, user)}
    fields = [shown[name] for name in dict.fromkeys(n for entry in entries for n in entry) if name in shown]
    values: list[dict[str, Any]] = []  # old and new of each entry, loaded; what the presenter reads
    failed: set[tuple[int, str]] = set()
    for entry in entries:
        for side in (0, 1):
            loaded: dict[str, Any] = dict.fromkeys(f.name for f in fields)  # the presenter reads every field
            for name, pair in entry.items():
                if name in shown:
                    loaded[name], ok = _loaded(shown[name], pair[side])
                    if not ok:
                        failed.add((len(values), name))
            values.append(loaded)
    presenter = Presenter(entity, values, user, fields)  # type: ignore[arg-type]

    def text(index: int, name: str) -> str | None:
        value = values[index].get(name)
        if _empty(value):
            return None
        if value == REDACTED:
            return _("[erased]")
        if (index, name) in failed:
            return str(value)
        return presenter.show(values[index], shown[name]).text or None  # type: ignore[arg-type]

    out = [{name: (presenter.labels[name], text(2 * i, name), text(2 * i + 1, name))
            for name in entry if name in shown} for i, entry in enumerate(entries)]
    if entity.children:
        from ..records.lines import readable_lines  # lines are audited on their parent

        for entry, texts in zip(entries, out):
            texts.update(readable_lines(entry, user, readable))
    return out


def for_audit_rows(rows: Sequence[Any], user: Any) -> dict[int, dict[str, Change]]:
    """The audit screen's record rows (`web.audit_feed.Row`: `id`, `entity`, `changes`) as people read them, by
    row id; read entity by entity. Rows of an entity that is gone (a disabled plugin's) are left out."""
    by_entity: dict[str, list[Any]] = {}
    for row in rows:
        if row.changes:
            by_entity.setdefault(row.entity, []).append(row)
    texts: dict[int, dict[str, Change]] = {}
    for name, some in by_entity.items():
        try:
            entity = current_app.extensions["trato"].entities.get(name)
        except UnknownEntity:
            continue
        texts.update(zip((row.id for row in some), readable(entity, [row.changes for row in some], user)))
    return texts
