"""Titles as the request's reader may see them, and the titles of related records inside another record's
title ("Nerea Uriarte — Acme renewal").

A record's title is made only of fields its reader may see (the API token's
user, else the signed-in user): a title field hidden from them names the
record `#id`. A title pattern may name a relation field (entities/titles.py);
the related record is shown by its own title, and only to someone who may
see it. Outside a request (a job, the shell) there is no one to ask: the
fields all count, and related parts are left out.

Titles found are kept for the rest of the request. A page of records read
by the query builder notes the related ids its titles may need (`note`,
which costs no query); the first title asked for then reads every noted
record of that entity in one scoped query, so a list of fifty deal contacts
makes one read of contacts and one of deals, not fifty of each.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from flask import g, has_request_context
from flask_login import current_user

from .. import access, db
from ..entities import Entity, UnknownEntity
from ..entities.titles import pattern_fields
from .common import entity_of, scoped
from .data import RecordData

KNOWN, NOTED = "_trato_related_titles", "_trato_related_noted"
BATCH = 500  # ids per read: well inside every database's limit on bound parameters


@cache
def _relations(entity: Entity) -> tuple[tuple[str, str], ...]:
    """(field, target entity) of each relation the entity's title pattern names."""
    if not entity.title_pattern:
        return ()
    named = pattern_fields(entity.title_pattern, entity.fields)
    return tuple((name, entity.fields[name].type.target(entity.fields[name])) for name in named
                 if entity.fields[name].type.cell == "relation")


def note(entity: Entity, items: Iterable[Mapping[str, Any]]) -> None:
    """Remember the related records the titles of `items` may name, to read them together when one is asked for."""
    relations = _relations(entity)
    if not relations or not has_request_context():
        return
    noted: dict[str, set[int]] = g.setdefault(NOTED, {})
    for name, target in relations:
        noted.setdefault(target, set()).update(item[name] for item in items if item.get(name))


def reader() -> Any:
    """Who reads what the request answers: the API token's user, else the signed-in user; None outside a
    request or for an anonymous visitor (a public page shows what its view chose to show)."""
    if not has_request_context():
        return None
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user
    user = current_user._get_current_object()  # noqa: SLF001 - Flask-Login's proxy
    return user if getattr(user, "is_authenticated", False) else None


def as_read(entity: Entity, values: Mapping[str, Any]) -> Mapping[str, Any]:
    """`values` less the fields hidden from the request's reader (as they are outside a request)."""
    user = reader()
    if user is None:
        return values
    hidden = access.hidden_fields(user, entity)
    if not hidden or hidden.isdisjoint(values.keys()):
        return values
    return {name: value for name, value in values.items() if name not in hidden}


def related_title(target: str, record_id: int) -> str:
    """The title of record `record_id` of entity `target`, or "" when the signed-in user may not see it."""
    if not has_request_context():
        return ""
    known: dict[tuple[str, int], str] = g.setdefault(KNOWN, {})
    if (target, record_id) not in known:
        _read(target, {record_id} | g.setdefault(NOTED, {}).pop(target, set()), known)
    return known[(target, record_id)]


def _read(target: str, ids: set[int], known: dict[tuple[str, int], str]) -> None:
    """Titles of the `ids` of `target` not yet known, in one scoped read per batch; "" for those unseen."""
    wanted = sorted(i for i in ids if (target, i) not in known)
    for record_id in wanted:
        known[(target, record_id)] = ""  # unseen, and a title that names itself through its relations ends here
    user = reader()
    if user is None:  # an anonymous visitor sees no related record
        return
    try:
        entity = entity_of(target)
        access.check(user, entity, "view")
    except (access.PermissionRefused, UnknownEntity):
        return
    found: list[RecordData] = []
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start:start + BATCH]
        rows = db.session().execute(scoped(entity, user).where(entity.table.c.id.in_(chunk))).mappings().all()
        found += RecordData.of_rows(entity, rows)
    note(entity, found)  # their own titles may name further records: read those together too
    for record in found:
        known[(target, record.id)] = entity.title_of(record)
