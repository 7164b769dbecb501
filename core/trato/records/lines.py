"""Lines: records of a child entity written, read and audited with their parent (docs/lines.md).

A parent's lines travel in its values under `"lines"` (its only child
entity) or, when it has several, under each child entity's name. The list
given is the new full list: an item with an `id` changes that line, one
without adds a line, lines left out are removed; the order is the position.
`plan` checks and prepares the lines of one parent before it is written and
`Plan.write` writes them after it, in the same transaction, returning what
the parent's audit entry says about them ("Line 2 · Quantity: 1 → 3").
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, delete, select
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session

from .. import db
from ..entities import Entity, UnknownEntity
from ..i18n import _
from .common import changes, columns, entity_of, inserted, load_all, writable
from .data import RecordData
from .errors import StaleRecord, ValidationFailed

LINES = "lines"
# Columns a line item may carry as read (from the API or `lines()`) that the caller does not set: left out.
READ_ONLY = frozenset({"parent_id", "position", "owner_id", "team_id", "created_by", "created_at", "updated_by",
                       "updated_at", "deleted_at"})
AUDIT_SEPARATOR = "#"  # a line's change in its parent's audit entry: "<child entity>#<line number>.<field>"


class ByLine(dict[Any, Any]):
    """A child entity's errors by line index (0 for the first line given), and each line's by field: the API
    names them as a JSON pointer into the body, "lines/2/quantity"."""

    by_line = True


@dataclass(frozen=True)
class Totals:
    """What an entity's `compute(values, lines)` returns: computed values per line (by child entity, in the
    lines' order) and of the document itself; each replaces what was given for those fields."""

    lines: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    document: Mapping[str, Any] = field(default_factory=dict)


def children(entity: Entity) -> list[Entity]:
    """The enabled child entities of `entity`, by name."""
    registry = current_app.extensions["trato"].entities
    found = []
    for name in entity.children:
        try:
            found.append(registry.get(name))
        except UnknownEntity:
            continue
    return found


def keys(entity: Entity) -> dict[str, Entity]:
    """The keys lines travel under: `"lines"` for an only child entity, each child's name when there are several."""
    kids = children(entity)
    if len(kids) == 1:
        return {LINES: kids[0]}
    return {kid.name: kid for kid in kids}


def key_of(parent: Entity, child: Entity) -> str:
    return LINES if len(children(parent)) == 1 else child.name


def take(entity: Entity, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`values` without its lines, and the lines given by child entity name (not yet checked)."""
    if not isinstance(values, Mapping):
        return values, {}  # type: ignore[return-value]  # the schema refuses it as a whole
    if entity.parent and LINES in values:
        raise ValidationFailed({LINES: [_("%(entity)s are lines themselves: they have no lines.",
                                          entity=entity.plural_text)]})
    by_key = keys(entity)
    if LINES in values and not by_key:
        raise ValidationFailed({LINES: [_("%(entity)s have no lines.", entity=entity.plural_text)]})
    own = {k: v for k, v in values.items() if k not in by_key}
    return own, {child.name: values[key] for key, child in by_key.items() if key in values}


def read(session: Session, entity: Entity, ids: Sequence[int]) -> dict[int, dict[str, list[RecordData]]]:
    """The lines of the parents `ids` (whose access the caller checked), per parent and child, in order."""
    out: dict[int, dict[str, list[RecordData]]] = {i: {} for i in ids}
    for child in children(entity):
        table = child.table
        for parent_id in ids:
            out[parent_id][child.name] = []
        if not ids:
            continue
        rows = session.execute(select(table).where(table.c.parent_id.in_(list(ids)))
                               .order_by(table.c.parent_id, table.c.position, table.c.id)).mappings()
        for record in RecordData.of_rows(child, rows):
            out[record["parent_id"]][child.name].append(record)
    return out


def lines(entity: str | Entity, record_id: int, *, user: Any) -> dict[str, list[RecordData]]:
    """The lines of a record the user may see, by child entity name, in order (RecordNotFound otherwise)."""
    from .service import get  # the service writes lines through this module

    e = entity_of(entity)
    get(e, record_id, user=user)
    return read(db.session(), e, [record_id])[record_id]


def _messages(errors: Mapping[Hashable, Any], into: dict[int, Any]) -> None:
    for index, found in errors.items():
        into.setdefault(int(index), {}).update(found)  # type: ignore[call-overload]


@dataclass
class ChildPlan:
    """One child entity's lines of one parent: what to insert, change and remove."""

    child: Entity
    values: list[dict[str, Any]]  # every line's full values, in the new order
    ids: list[int | None]  # each line's id, None for a new one
    current: dict[int, RecordData]

    def changed(self) -> bool:
        if None in self.ids or set(self.current) - set(self.ids):
            return True
        names = [f.name for f in writable(self.child)]
        return any(self.current[i]["position"] != position or any(v.get(n) != self.current[i].get(n) for n in names)
                   for position, (i, v) in enumerate(zip(self.ids, self.values), start=1))  # type: ignore[index]


@dataclass
class Plan:
    """The lines of one parent, checked; `write` stores them once the parent's row is written."""

    parts: list[ChildPlan] = field(default_factory=list)

    def lines(self) -> dict[str, list[dict[str, Any]]]:
        return {part.child.name: part.values for part in self.parts}

    def changed(self) -> bool:
        """Whether writing would change any line (added, removed, moved or with another value)."""
        return any(part.changed() for part in self.parts)

    def write(self, session: Session, parent_id: int, uid: int | None, now: datetime) -> dict[str, list[Any]]:
        """Insert, change and remove lines; the parent's audit changes about them (empty: nothing changed)."""
        audit: dict[str, list[Any]] = {}
        for part in self.parts:
            audit |= _write_child(session, part, parent_id, uid, now)
        return audit


def _label(child: Entity, number: int, name: str) -> str:
    return f"{child.name}{AUDIT_SEPARATOR}{number}.{name}"


def _update(session: Session, child: Entity, names: tuple[str, ...], params: list[dict[str, Any]], uid: int | None,
            now: datetime) -> None:
    """Change lines that change the same columns, in one executemany; StaleRecord if one moved on meanwhile."""
    table = child.table
    statement = (update_rows(table)
                 .where(table.c.id == bindparam("_line"), table.c.version == bindparam("_line_version"))
                 .values({name: bindparam(f"_set_{name}") for name in names} | {"updated_by": uid, "updated_at": now}))
    if session.connection().dialect.supports_sane_multi_rowcount:
        if session.execute(statement, params).rowcount != len(params):
            raise StaleRecord(child.name, params[0]["_line"], None)
        return
    for one in params:  # a driver that does not count the rows of an executemany: one at a time
        if session.execute(statement, one).rowcount != 1:
            raise StaleRecord(child.name, one["_line"], None)


def _write_child(session: Session, part: ChildPlan, parent_id: int, uid: int | None, now: datetime
                 ) -> dict[str, list[Any]]:
    child, table = part.child, part.child.table
    names = [f.name for f in writable(child)]
    audit: dict[str, list[Any]] = {}
    kept = {i for i in part.ids if i is not None}
    removed = sorted(set(part.current) - kept, key=lambda i: part.current[i]["position"])
    for line_id in removed:
        before = part.current[line_id]
        audit |= {_label(child, before["position"], n): pair
                  for n, pair in changes(child, before, dict.fromkeys(names), names).items()}
    if removed:
        session.execute(delete(table).where(table.c.id.in_(removed), table.c.parent_id == parent_id))
    new_rows = []
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # changed lines, by the columns they change
    for position, (line_id, values) in enumerate(zip(part.ids, part.values), start=1):
        if line_id is None:
            new_rows.append((position, values))
            continue
        before = part.current[line_id]
        changed = {n: values[n] for n in names if values.get(n) != before.get(n)}
        if not changed and before["position"] == position:
            continue
        written = columns(child, changed) | {"position": position, "version": before.version + 1}
        by_columns.setdefault(tuple(sorted(written)), []).append(
            {f"_set_{k}": v for k, v in written.items()} | {"_line": line_id, "_line_version": before.version})
        after = RecordData(child.name, {**before, **changed, "position": position})
        audit |= {_label(child, position, n): pair
                  for n, pair in changes(child, before, after, [*changed, "position"]).items()}
    for names_written, params in by_columns.items():
        _update(session, child, names_written, params, uid, now)
    if new_rows:
        params = [columns(child, {n: values.get(n) for n in names})
                  | {"parent_id": parent_id, "position": position, "created_by": uid, "created_at": now,
                     "updated_by": uid, "updated_at": now, "version": 1}
                  for position, values in new_rows]
        for (position, _values), row in zip(new_rows, inserted(session, table, params)):
            after = RecordData.of(child, row)
            audit |= {_label(child, position, n): pair
                      for n, pair in changes(child, dict.fromkeys(names), after, names).items()}
    return audit


def plan(session: Session, parent: Entity, given: Mapping[str, Any], user: Any,
         current: Mapping[str, list[RecordData]] | None) -> tuple[Plan, dict[str, Any]]:
    """The lines `given` (by child entity name) of one parent, checked against its `current` lines (None for a
    new parent); and the errors found, under each line's key (`{"lines": {2: {"quantity": [...]}}}`)."""
    out, errors = Plan(), {}
    for child in children(parent):
        key = key_of(parent, child)
        now = {r.id: r for r in (current or {}).get(child.name, [])}
        if child.name not in given:
            if parent.compute is None or not now:
                continue
            ordered = sorted(now.values(), key=lambda r: (r["position"], r.id))
            out.parts.append(ChildPlan(child, [dict(r) for r in ordered], [r.id for r in ordered], now))
            continue
        items = given[child.name]
        if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
            errors[key] = [_("Give the lines as a list of objects of field values.")]
            continue
        part, found = _check_child(session, child, items, now, user)
        if found:
            errors[key] = ByLine({index: ByLine(messages) for index, messages in found.items()})
        else:
            out.parts.append(part)
    return out, errors


def _check_child(session: Session, child: Entity, items: list[Mapping[str, Any]], now: dict[int, RecordData],
                 user: Any) -> tuple[ChildPlan, dict[int, Any]]:
    errors: dict[int, Any] = {}
    ids: list[int | None] = []
    adding, changing = [], []
    # What a line read back carries besides what a caller sets: left out, so that lines read can be sent back.
    skip = READ_ONLY | {"id", "version"} | {f.name for f in child.fields.values() if f.system_set}
    for index, item in enumerate(items):
        line_id = item.get("id")
        values = {k: v for k, v in item.items() if k not in skip}
        if line_id is None:
            ids.append(None)
            adding.append((index, values))
            continue
        if not isinstance(line_id, int) or isinstance(line_id, bool):
            errors[index] = {"id": [_("Give the id of a line as a whole number.")]}
        elif line_id not in now:
            errors[index] = {"id": [_("Line %(id)s is not a line of this record.", id=line_id)]}
        elif line_id in ids:
            errors[index] = {"id": [_("Line %(id)s is given twice.", id=line_id)]}
        elif item.get("version") is not None and (not isinstance(item["version"], int)
                                                  or isinstance(item["version"], bool)):
            errors[index] = {"version": [_("Give the version of a line as a whole number.")]}
        elif item.get("version") is not None and item["version"] != now[line_id].version:
            raise StaleRecord(child.name, line_id, now[line_id].version)
        ids.append(line_id)
        changing.append((index, values))
    if errors:
        return ChildPlan(child, [], ids, now), errors
    loaded: dict[int, dict[str, Any]] = {}
    names = [f.name for f in writable(child)]
    for schema, batch, before in (("create", adding, None),
                                  ("update", changing, {i: now[ids[i]] for i, _v in changing})):  # type: ignore[index]
        if not batch:
            continue
        try:
            done = load_all(session, child, child.schemas[schema], batch, user, before)
        except ValidationFailed as err:
            _messages(err.errors, errors)
            continue
        for (index, _values), values in zip(batch, done):
            base = dict.fromkeys(names) if before is None else {n: before[index].get(n) for n in names}
            loaded[index] = base | values
    values = [loaded.get(i, {}) for i in range(len(items))]
    return ChildPlan(child, values, ids, now), errors


def compute_totals(parent: Entity, values: dict[str, Any], planned: Plan) -> None:
    """Apply the parent's `compute` to its values and its lines' (in place): line totals, document totals."""
    if parent.compute is None:
        return
    totals = parent.compute(dict(values), planned.lines())
    if totals is None:
        return
    values.update(totals.document)
    for part in planned.parts:
        for line, computed in zip(part.values, totals.lines.get(part.child.name, ())):
            line.update(computed)


def prepare(session: Session, parent: Entity, items: Sequence[tuple[Hashable, Mapping[str, Any]]], user: Any,
            current: Mapping[Hashable, Mapping[str, list[RecordData]]] | None
            ) -> tuple[list[tuple[Hashable, Any]], dict[Hashable, Plan], dict[Hashable, Any]]:
    """For a bulk call's items (key, values): the values without lines, each parent's lines planned, and the
    lines' errors by key. `current` holds the parents' lines for an update (None when creating)."""
    own, plans, errors = [], {}, {}
    for key, values in items:
        mine, given = take(parent, values)
        own.append((key, mine))
        if not given and (parent.compute is None or current is None):
            continue
        planned, found = plan(session, parent, given, user, None if current is None else current.get(key, {}))
        if found:
            errors[key] = found
        elif planned.parts:
            plans[key] = planned
    return own, plans, errors


def current_lines(session: Session, parent: Entity, items: Sequence[tuple[int, Mapping[str, Any]]]
                  ) -> dict[Hashable, dict[str, list[RecordData]]] | None:
    """The lines now stored of the parents an update gives lines for (all of them, when it computes totals)."""
    if not parent.children:
        return None
    wanted = [key for key, values in items
              if parent.compute is not None or (isinstance(values, Mapping) and set(values) & set(keys(parent)))]
    return read(session, parent, wanted) if wanted else {}  # type: ignore[return-value]


def loaded_with(errors: dict[Hashable, Any], load: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """`load()` (the parents' validation), its errors reported together with the lines' `errors`."""
    try:
        done = load()
    except ValidationFailed as err:
        merged = dict(err.errors)
        for key, found in errors.items():
            merged[key] = {**merged.get(key, {}), **found} if isinstance(merged.get(key, {}), Mapping) else found
        raise ValidationFailed(merged) from None
    if errors:
        raise ValidationFailed(errors)
    return done


def readable_lines(changes: Mapping[str, Sequence[Any]], user: Any,
                   readable: Callable[[Entity, Sequence[Mapping[str, Sequence[Any]]], Any], list[dict[str, Any]]]
                   ) -> dict[str, tuple[str, str | None, str | None]]:
    """A parent's audited line changes as people read them, "Line 2 · Quantity", through `readable` (the
    activity's, for the child entity); fields the role hides and entities gone are left out."""
    out = {}
    for key, pair in changes.items():
        name, _sep, rest = key.partition(AUDIT_SEPARATOR)
        number, _dot, field_name = rest.partition(".")
        if not field_name:
            continue
        try:
            child = entity_of(name)
        except UnknownEntity:
            continue
        shown = readable(child, [{field_name: pair}], user)[0]
        if field_name in shown:
            label, old, new = shown[field_name]
            out[key] = (_("%(line)s %(number)s · %(field)s", line=child.text, number=number, field=label), old, new)
    return out
