"""Links to a record of any entity (`record_link` fields): checked when written, titled for the reader, cleared
when their target is purged.

A link carries no foreign key, so the record service checks on every write
that its target exists, is not in the recycle bin and is visible to the
writer. When read, a target is named by its title only to a reader who may
see it, in one scoped query per target entity for a whole batch of records;
any other target is a neutral "Restricted record" (the title never leaks).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session

from .. import access, db
from ..entities import Entity, UnknownEntity
from ..fields import Field, RecordLink, RecordLinkType
from ..fields.links import RESTRICTED
from ..i18n import _
from . import audit
from .data import RecordData

BATCH = 500  # ids per read: well inside every database's limit on bound parameters


def link_fields(entity: Entity) -> list[Field]:
    return [f for f in entity.fields.values() if isinstance(f.type, RecordLinkType)]


def _registry() -> Any:
    return current_app.extensions["trato"].entities


def visible(session: Session, target: str, ids: Iterable[int], user: Any, live: bool = True
            ) -> dict[int, RecordData]:
    """The records of `target` among `ids` that `user` may see (live ones with `live`); none of an unknown
    entity or of one the user may not view."""
    try:
        entity = _registry().get(target)
        access.check(user, entity, "view")
    except (UnknownEntity, access.PermissionRefused):
        return {}
    table, wanted, found = entity.table, sorted(set(ids)), {}
    for start in range(0, len(wanted), BATCH):
        query = select(table).where(table.c.id.in_(wanted[start:start + BATCH]))
        if live:
            query = query.where(table.c.deleted_at.is_(None))
        for row in session.execute(access.scope(query, entity, user)).mappings():
            found[row["id"]] = RecordData.of(entity, row)
    return found


def check_links(session: Session, entity: Entity, rows: Sequence[tuple[Hashable, Mapping[str, Any]]],
                user: Any) -> dict[Hashable, dict[str, list[str]]]:
    """Errors by row key for links whose target does not exist, is in the recycle bin or is hidden from `user`
    (one query per field and target entity)."""
    errors: dict[Hashable, dict[str, list[str]]] = defaultdict(dict)
    for field in link_fields(entity):
        wanted: dict[str, set[int]] = defaultdict(set)
        for _key, values in rows:
            link = values.get(field.name)
            if isinstance(link, RecordLink):
                wanted[link.entity].add(link.id)
        seen = {target: set(visible(session, target, ids, user)) for target, ids in wanted.items()}
        for key, values in rows:
            link = values.get(field.name)
            if isinstance(link, RecordLink) and link.id not in seen[link.entity]:
                errors[key][field.name] = [_("There is no such record (%(link)s), or you may not see it.",
                                             link=str(link))]
    return dict(errors)


def titles(links: Iterable[RecordLink | None], user: Any) -> dict[RecordLink, str | None]:
    """The title of each link's target as `user` may see it; None for a target they may not see (or gone)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for link in links:
        if link is not None:
            wanted[link.entity].add(link.id)
    session, out = db.session(), {}
    for target, ids in wanted.items():
        found = visible(session, target, ids, user, live=False)
        entity = _registry().get(target) if found else None
        for record_id in ids:
            record = found.get(record_id)
            out[RecordLink(target, record_id)] = None if record is None else entity.title_of(
                access.without_hidden(user, entity, record))
    return out


def title_text(title: str | None) -> str:
    """How a link is named: its target's title, or "Restricted record"."""
    return str(RESTRICTED) if title is None else title


def dump_with_titles(entity: Entity, items: Sequence[RecordData], dumped: Sequence[dict[str, Any]], user: Any
                     ) -> None:
    """Add `title` to each link of the API's `dumped` records (the same order as `items`), in place."""
    fields = [f for f in link_fields(entity) if any(f.name in d for d in dumped)]
    if not fields:
        return
    named = titles((r.get(f.name) for f in fields for r in items), user)
    for record, out in zip(items, dumped):
        for f in fields:
            link = record.get(f.name)
            if link is not None and isinstance(out.get(f.name), dict):
                out[f.name]["title"] = title_text(named.get(link))


def clear_links(session: Session, target: Entity, ids: Sequence[int], uid: int | None, now: datetime
                ) -> list[dict[str, Any]]:
    """Empty every link (of any entity) that points to the records `ids` of `target`; their audit rows."""
    entries: list[dict[str, Any]] = []
    purged = set(ids)
    for entity in _registry().all():
        for field in link_fields(entity):
            table = entity.table
            column, kind = table.c[field.name], table.c[field.type.entity_column(field)]
            pointing = session.execute(select(table.c.id, column).where(kind == target.name, column.in_(ids))).all()
            if not pointing:
                continue
            session.execute(update_rows(table).where(kind == target.name, column.in_(ids))
                            .values({column: None, kind: None, table.c.version: table.c.version + 1,
                                     table.c.updated_by: uid, table.c.updated_at: now}))
            entries += [{"action": audit.UPDATE, "entity": entity.name, "record_id": rid, "user_id": uid, "at": now,
                         "changes": {field.name: [{"entity": target.name, "id": old}, None]}}
                        for rid, old in pointing if not (entity is target and rid in purged)]
    return entries
