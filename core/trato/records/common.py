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
from ..i18n import _
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
             user: Any, current: Mapping[int, RecordData] | None = None) -> list[dict[str, Any]]:
    """Every item validated, or ValidationFailed with the errors of all of them, by key.

    For updates the keys are the records' ids and `current` their values
    before the change; a field rule or an owner the user may not give then
    refuses only a change, so a record read and sent back whole is accepted.
    """
    refuse(rule_errors(entity, user, items, creating=current is None))
    errors: dict[Hashable, Any] = {}
    loaded: list[dict[str, Any]] = []
    for key, data in items:
        try:
            loaded.append(schema.load(data))
        except ValidationError as err:
            errors[key] = plain_messages(err.messages)
    refuse(errors)
    keyed = [(key, values) for (key, _data), values in zip(items, loaded)]
    refuse(change_errors(entity, user, keyed, current))
    refuse(check_references(session, entity, keyed, user))
    refuse(check_unique(session, entity, keyed, current is not None))
    return loaded


def refuse(errors: dict[Hashable, Any]) -> None:
    if errors:
        raise ValidationFailed(errors)


def rule_errors(entity: Entity, user: Any, items: Sequence[tuple[Hashable, Mapping[str, Any]]], creating: bool
                ) -> dict[Hashable, Any]:
    """Values given for fields hidden from the user, or read-only ones on creation, by key and field."""
    rules = access.field_rules(user, entity)
    if not rules:
        return {}
    errors: dict[Hashable, Any] = {}
    for key, data in items:
        for name in data:
            if rules.get(name) == access.HIDDEN:
                errors.setdefault(key, {})[name] = [_("This field is hidden for your role and cannot be set.")]
            elif rules.get(name) == access.READONLY and creating:
                errors.setdefault(key, {})[name] = [_("This field is read-only for your role.")]
    return errors


def change_errors(entity: Entity, user: Any, keyed: Sequence[tuple[Hashable, Mapping[str, Any]]],
                  current: Mapping[int, RecordData] | None) -> dict[Hashable, Any]:
    """Read-only fields changed, and owners or teams the user may not give, by key and field."""
    readonly = [n for n, rule in access.field_rules(user, entity).items() if rule == access.READONLY]
    errors: dict[Hashable, Any] = {}
    for key, values in keyed:
        before = current[key] if current is not None else None  # type: ignore[index]
        changed = {n: v for n, v in values.items() if before is not None and v != before.get(n)}
        found = {n: [_("This field is read-only for your role.")] for n in readonly if n in changed}
        giving = {n: v for n, v in values.items() if n in ("owner_id", "team_id")
                  and (n in changed if before is not None else v is not None)}
        if giving and giving != {"owner_id": user_id(user)}:  # giving a record to oneself is always allowed
            found |= {n: [message] for n, message in access.assignment_errors(user, entity, giving).items()}
        if found:
            errors[key] = found
    return errors


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
