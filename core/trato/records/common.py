"""What the record service's operations share: lookups, loading, audit rows and hooks."""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from marshmallow import Schema, ValidationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .. import access
from ..entities import Entity
from ..entities.record import WRITABLE_SYSTEM_FIELDS
from ..fields import Field
from ..fields.base import plain_messages
from .data import RecordData
from .errors import RecordNotFound, SaveRefused, ValidationFailed
from .references import check_references
from .unique import check_unique


def entity_of(entity: str | Entity) -> Entity:
    """The enabled entity of that name (UnknownEntity otherwise), or the Entity given."""
    return entity if isinstance(entity, Entity) else current_app.extensions["trato"].entities.get(entity)


def user_id(user: Any) -> int | None:
    return None if user is None else getattr(user, "id", None)


def scoped(entity: Entity, user: Any, deleted: bool = False) -> Select[Any]:
    """The records of `entity` that `user` may see, live or (with `deleted`) in the recycle bin."""
    table = entity.table
    alive = table.c.deleted_at.is_not(None) if deleted else table.c.deleted_at.is_(None)
    return access.scope(select(table).where(alive), entity, user)


def fetch(session: Session, entity: Entity, ids: Iterable[int], user: Any, deleted: bool = False
          ) -> dict[int, RecordData]:
    """The records with these ids, or RecordNotFound naming those the user cannot see."""
    wanted = set(ids)
    rows = session.execute(scoped(entity, user, deleted).where(entity.table.c.id.in_(wanted))).mappings()
    found = {row["id"]: RecordData.of(entity, row) for row in rows}
    if wanted - set(found):
        raise RecordNotFound(entity.name, wanted - set(found))
    return found


def writable(entity: Entity) -> list[Field]:
    """The fields a caller may set: all but the system ones, save the owner."""
    return [f for f in entity.fields.values() if not f.system or f.name in WRITABLE_SYSTEM_FIELDS]


def load_all(session: Session, entity: Entity, schema: Schema, items: Sequence[tuple[Hashable, Mapping[str, Any]]],
             user: Any, own_ids: bool = False) -> list[dict[str, Any]]:
    """Every item validated, or ValidationFailed with the errors of all of them (by key: `own_ids` when the
    keys are the records' ids)."""
    errors: dict[Hashable, Any] = {}
    loaded: list[dict[str, Any]] = []
    for key, data in items:
        try:
            loaded.append(schema.load(data))
        except ValidationError as err:
            errors[key] = plain_messages(err.messages)
    if errors:
        raise ValidationFailed(errors)
    keyed = [(key, values) for (key, _data), values in zip(items, loaded)]
    refs = check_references(session, entity, keyed, user)
    if refs:
        raise ValidationFailed(refs)
    taken = check_unique(session, entity, keyed, own_ids)
    if taken:
        raise ValidationFailed(taken)
    return loaded


def single(call: Any, key: Hashable) -> Any:
    """Run a bulk call for one item, reporting its errors without the bulk key."""
    try:
        return call()[0]
    except ValidationFailed as err:
        raise ValidationFailed(err.errors.get(key, err.errors)) from None


def columns(entity: Entity, values: Mapping[str, Any]) -> dict[str, Any]:
    """Column values that store these field values."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        field = entity.fields[name]
        out.update(field.type.write(field, value))
    return out


def changes(entity: Entity, before: Mapping[str, Any], after: Mapping[str, Any], names: Iterable[str]
            ) -> dict[str, list[Any]]:
    """`{field: [old, new]}` in JSON form, for the named fields whose value differs."""
    out = {}
    for name in names:
        if before.get(name) != after.get(name):
            field = entity.fields[name]
            out[name] = [field.type.dump(field, before.get(name)), field.type.dump(field, after.get(name))]
    return out


def audit_row(action: str, entity: Entity, record: RecordData, user: Any, at: datetime,
              diff: dict[str, list[Any]]) -> dict[str, Any]:
    return {"action": action, "entity": entity.name, "record_id": record.id, "user_id": user_id(user),
            "at": at, "changes": diff}


def hook(name: str) -> Any:
    """The enabled plugins' implementations of hook `name`, or None when there are none.

    Looked up once per service call, so that a bulk call of thousands of
    records pays nothing for hooks that no plugin implements.
    """
    caller = getattr(current_app.extensions["trato"].plugins.hook, name)
    return caller if caller.get_hookimpls() else None


def refuse_if_told(before_save: Any, entity: Entity, values: dict[str, Any], previous: RecordData | None,
                   user: Any) -> None:
    """Give `before_save` its say; the first message refuses the save."""
    if before_save is None:
        return
    for message in before_save(entity=entity.name, values=values, previous=previous, user=user):
        if message:
            raise SaveRefused(str(message))
