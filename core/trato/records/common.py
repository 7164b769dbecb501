"""What the record service's operations share: lookups, loading, audit rows and hooks."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from flask import current_app
from marshmallow import Schema, ValidationError, missing
from marshmallow.decorators import PRE_LOAD
from sqlalchemy import RowMapping, Select, Table, func, insert, select
from sqlalchemy.orm import Session

from .. import access
from ..entities import Entity
from ..entities.record import WRITABLE_SYSTEM_FIELDS
from ..entities.schema import RecordSchema
from ..fields import Field, FieldType
from ..fields.base import plain_messages
from ..i18n import _
from .data import RecordData, per_entity
from .errors import RecordNotFound, SaveRefused, ValidationFailed
from .links import check_links
from .references import check_references
from .unique import check_unique


def entity_of(entity: str | Entity) -> Entity:
    """The enabled entity of that name (UnknownEntity otherwise), or the Entity given."""
    return entity if isinstance(entity, Entity) else current_app.extensions["trato"].entities.get(entity)


def entities() -> list[Entity]:
    """Every enabled entity (the core's, the plugins' and the custom ones)."""
    return current_app.extensions["trato"].entities.all()  # type: ignore[no-any-return]


def user_id(user: Any) -> int | None:
    return None if user is None else getattr(user, "id", None)


def scoped(entity: Entity, user: Any, deleted: bool = False) -> Select[Any]:
    """The records of `entity` that `user` may see, live or (with `deleted`) in the recycle bin."""
    table = entity.table
    alive = table.c.deleted_at.is_not(None) if deleted else table.c.deleted_at.is_(None)
    return access.scope(select(table).where(alive), entity, user)


PERMITTED = "trato_permitted"  # the column telling whether the user may do the action to the row


def fetch(session: Session, entity: Entity, ids: Iterable[int], user: Any, deleted: bool = False,
          action: str = "view") -> dict[int, RecordData]:
    """The records with these ids, or RecordNotFound naming those the user cannot see.

    For another `action` (edit, delete, restore) the same statement asks,
    per row, whether the user's scope for it covers the record: one seen
    but not covered is refused with PermissionRefused (403), not hidden.
    """
    wanted = set(ids)
    query = scoped(entity, user, deleted).where(entity.table.c.id.in_(wanted))
    permitted = access.condition(entity, user, action) if action != "view" else None
    if permitted is not None:
        query = query.add_columns(permitted.label(PERMITTED))
    rows = session.execute(query).mappings().all()
    found = {record.id: record for record in RecordData.of_rows(entity, rows)}
    if wanted - set(found):
        raise RecordNotFound(entity.name, wanted - set(found))
    if permitted is not None and (refused := [found[row["id"]] for row in rows if not row[PERMITTED]]):
        raise access.outside_scope(user, entity, action, sorted(refused, key=lambda r: r.id))
    return found


def writable(entity: Entity) -> list[Field]:
    """The fields a caller may set: all but the system ones, save the owner (a line has none: its parent's)."""
    return [f for f in entity.fields.values()
            if not f.system or (f.name in WRITABLE_SYSTEM_FIELDS and not entity.parent)]


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
    load = loader(schema)
    for key, data in items:
        try:
            loaded.append(load(data))
        except ValidationError as err:
            errors[key] = plain_messages(err.messages)
    refuse(errors)
    keyed = [(key, values) for (key, _data), values in zip(items, loaded)]
    refuse(change_errors(entity, user, keyed, current))
    refuse(check_references(session, entity, keyed, user))
    refuse(check_links(session, entity, keyed, user))
    refuse(check_unique(session, entity, keyed, current is not None))
    return loaded


class _Loader:
    """An entity schema's `load` that pays only for the fields a row gives (and those required or defaulted).

    marshmallow's `Schema.load` calls every field of the schema for every
    row, while a form or a file fills a handful of an entity's fields. The
    schema's own fields still check and convert each value given; a row
    with anything wrong (or a schema this does not know) is loaded by the
    schema itself, so that its errors are marshmallow's own.
    """

    BLANK_ONLY = {PRE_LOAD: ["blank_to_none"]}  # RecordSchema's hooks: no validators or post_load to run

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.fields = schema.load_fields
        self.always = frozenset(name for name, f in self.fields.items() if f.required or f.load_default is not missing)
        hooks = {tag: [hook[0] for hook in found] for tag, found in getattr(schema, "_hooks", {}).items() if found}
        self.fast = (isinstance(schema, RecordSchema) and hooks == self.BLANK_ONLY
                     and all(f.data_key is None and f.attribute is None for f in self.fields.values()))

    def __call__(self, data: Any) -> dict[str, Any]:
        if not self.fast or not isinstance(data, Mapping) or not data.keys() <= self.fields.keys():
            return self.schema.load(data)  # type: ignore[no-any-return]
        clean = self.schema.blank_to_none(data)  # type: ignore[attr-defined]
        out = {}
        try:
            for name, field in self.fields.items():
                if name in clean or name in self.always:
                    value = field.deserialize(clean.get(name, missing), name, clean)
                    if value is not missing:
                        out[name] = value
        except ValidationError:
            return self.schema.load(data)  # type: ignore[no-any-return]
        return out


_loaders: WeakKeyDictionary[Schema, _Loader] = WeakKeyDictionary()


def loader(schema: Schema) -> Callable[[Any], dict[str, Any]]:
    """`schema.load` for one row at a time, as `_Loader` does it; made once per schema."""
    if schema not in _loaders:
        _loaders[schema] = _Loader(schema)
    return _loaders[schema]


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
        if not isinstance(data, Mapping):
            continue  # not field values at all: the schema refuses it as a whole
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
    refused: dict[tuple[tuple[str, Any], ...], dict[str, str]] = {}  # by owner and team given: one check each
    for key, values in keyed:
        before = current[key] if current is not None else None  # type: ignore[index]
        changed = {n: v for n, v in values.items() if before is not None and v != before.get(n)}
        found = {n: [_("This field is read-only for your role.")] for n in readonly if n in changed}
        giving = {n: v for n, v in values.items() if n in ("owner_id", "team_id")
                  and (n in changed if before is not None else v is not None)}
        if giving and giving != {"owner_id": user_id(user)}:  # giving a record to oneself is always allowed
            given = tuple(sorted(giving.items()))
            if given not in refused:
                refused[given] = access.assignment_errors(user, entity, giving)
            found |= {n: [message] for n, message in refused[given].items()}
        if found:
            errors[key] = found
    return errors


def single(call: Any, key: Hashable) -> Any:
    """Run a bulk call for one item, reporting its errors without the bulk key."""
    try:
        return call()[0]
    except ValidationFailed as err:
        raise ValidationFailed(err.errors.get(key, err.errors)) from None


@per_entity
def _writers(entity: Entity) -> dict[str, Callable[[Any], dict[str, Any]] | None]:
    """How each field's value becomes column values; None for a column of its name that takes it as it is."""
    return {f.name: None if type(f.type).write is FieldType.write else partial(f.type.write, f)
            for f in entity.fields.values()}


def columns(entity: Entity, values: Mapping[str, Any]) -> dict[str, Any]:
    """Column values that store these field values."""
    writers = _writers(entity)
    out: dict[str, Any] = {}
    for name, value in values.items():
        write = writers[name]
        if write is None:
            out[name] = value
        else:
            out.update(write(value))
    return out


@per_entity
def _dumpers(entity: Entity) -> dict[str, Callable[[Any], Any]]:
    return {f.name: partial(f.type.dump, f) for f in entity.fields.values()}


def created(entity: Entity, records: Sequence[RecordData], names: Sequence[str]) -> list[dict[str, list[Any]]]:
    """`changes` of new records: each named field that has a value, from empty."""
    dumpers = _dumpers(entity)
    empty = {name: dumpers[name](None) for name in names}
    return [{name: [empty[name], dumpers[name](value)] for name in names if (value := record.get(name)) is not None}
            for record in records]


def changes(entity: Entity, before: Mapping[str, Any], after: Mapping[str, Any], names: Iterable[str]
            ) -> dict[str, list[Any]]:
    """`{field: [old, new]}` in JSON form, for the named fields whose value differs."""
    dumpers = _dumpers(entity)
    out = {}
    for name in names:
        old, new = before.get(name), after.get(name)
        if old != new:
            dump = dumpers[name]
            out[name] = [dump(old), dump(new)]
    return out


def _returned(session: Session, table: Table, params: list[dict[str, Any]]) -> list[RowMapping]:
    return list(session.execute(insert(table).returning(*table.c, sort_by_parameter_order=True), params).mappings())


def inserted(session: Session, table: Table, params: list[dict[str, Any]]) -> list[RowMapping]:
    """Insert rows and read them back as stored (ids and defaults filled in), in the order given.

    One row is one INSERT ... RETURNING. Many rows in order by RETURNING
    cost a statement per row on SQLite and, on PostgreSQL, statements of
    thousands of placeholders that the driver parses in Python; so there
    they go in one plain executemany and are read back by id. PostgreSQL's
    ids are taken from the table's sequence first and sent with the rows.
    On SQLite the transaction holds the database's only write lock from its
    first write, and each new row gets the id after the highest, so the
    rows just inserted have the ids up to `last_insert_rowid()`, in order.
    """
    dialect = session.connection().dialect.name
    if len(params) == 1 or dialect not in ("sqlite", "postgresql"):
        return _returned(session, table, params)
    if dialect == "postgresql":
        ids = list(session.scalars(select(func.nextval(func.pg_get_serial_sequence(table.name, "id")))
                                   .select_from(func.generate_series(1, len(params)))))
        if None in ids:  # an id without a sequence
            return _returned(session, table, params)
        ids.sort()
        session.execute(insert(table), [values | {"id": new} for values, new in zip(params, ids)])
    else:
        session.execute(insert(table), params)
        last = session.scalar(select(func.last_insert_rowid()))
        ids = list(range(last - len(params) + 1, last + 1))
    wanted = set(ids)
    rows = [row for row in session.execute(select(table).where(table.c.id.between(ids[0], ids[-1]))
                                           .order_by(table.c.id)).mappings() if row["id"] in wanted]
    if len(rows) != len(params):
        raise RuntimeError(f"{table.name}: {len(params)} rows inserted but {len(rows)} read back by id")
    return rows


def audit_row(action: str, entity: Entity, record: RecordData, user: Any, at: datetime,
              diff: dict[str, list[Any]]) -> dict[str, Any]:
    return {"action": action, "entity": entity.name, "record_id": record.id, "user_id": user_id(user),
            "at": at, "changes": diff}


def hook(name: str, entity: Entity | None = None) -> Any:
    """The enabled plugins' implementations of hook `name`, or None when there are none.

    Looked up once per service call, so that a bulk call of thousands of
    records pays nothing for hooks that no plugin implements; given the
    `entity` written, without the plugins that declared (`for_entities`)
    that their implementations are about other entities.
    """
    hooks = current_app.extensions["trato"].plugins.hook
    caller = getattr(hooks, name) if entity is None else hooks.for_entity(name, entity.name)
    return caller if caller.get_hookimpls() else None


def refuse_if_told(before_save: Any, entity: Entity, values: dict[str, Any], previous: RecordData | None,
                   user: Any, key: Hashable) -> None:
    """Give `before_save` its say; the first refusal stops the save.

    A message refuses the record as a whole (SaveRefused); a mapping of field
    names to messages refuses those fields, as validation does, under the
    bulk call's `key` (row index or record id) so that forms, the API and
    imports show each message at its field.
    """
    if before_save is None:
        return
    for refusal in before_save(entity=entity.name, values=values, previous=previous, user=user):
        if isinstance(refusal, Mapping) and refusal:
            raise ValidationFailed({key: {name: [str(message)] for name, message in refusal.items()}})
        if refusal:
            raise SaveRefused(str(refusal))
