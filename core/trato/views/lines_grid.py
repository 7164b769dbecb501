"""The lines of a parent on its generic pages: an HTMX grid on the form, a table with totals on the detail page.

Each line of the grid is a table row whose inputs are named
`lines.<child>.<token>.<field>` (a token per row, `i<id>` for a stored line,
`n…` for a new one); the hidden `lines.<child>` inputs, one per row, give the
order, so moving a row (dragged with SortableJS or its up/down buttons) is
moving its markup. The parent's form posts everything at once and the record
service saves it in one call (docs/lines.md). As the user types, the form is
posted to `totals`, which works the entity's `compute` out on the server and
swaps the line and document totals in (out of band), without saving.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from flask import abort, render_template, request
from flask_login import login_required
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from .. import access, db
from ..entities import Entity
from ..fields import Field, FieldValueError, localize
from ..records import RecordData
from ..records.lines import Totals, children, key_of, read
from .inputs import Input, currencies, defaults, form_errors, inputs, signed_in, submitted
from .pages import bp
from ..presentation import Presenter

FORM = "lines"  # what the grid's inputs are named under: lines.<child>.<token>.<field>


@dataclass(frozen=True)
class Row:
    """One line on the form: its inputs, its computed values as text, and errors of the line as a whole."""

    token: str
    number: int
    id: int | None
    version: int | None
    cells: list[Input]
    computed: list[tuple[str, str]]  # (field, text)
    errors: list[str]


@dataclass(frozen=True)
class Grid:
    """A child entity's lines on its parent's form."""

    entity: Entity  # the parent
    child: Entity
    key: str  # where the API and the record service take these lines: "lines", or the child's name
    columns: list[tuple[str, str]]  # (field, label) of each input column
    computed: list[tuple[str, str]]  # (field, label) of each computed column
    rows: list[Row]
    errors: list[str]

    @property
    def prefix(self) -> str:
        return f"{FORM}.{self.child.name}"

    @property
    def dom_id(self) -> str:
        return f"lines-{self.child.name}"


@dataclass(frozen=True)
class Posted:
    """A form's lines: for the record service, as typed (by child and row), and the errors typing gave."""

    lines: dict[str, list[dict[str, Any]]]
    rows: dict[str, list[tuple[str, dict[str, str], int | None, int | None]]]  # token, texts, id, version
    errors: dict[str, dict[int, dict[str, list[str]]]]


def _line_fields(child: Entity, user: Any) -> tuple[list[str], list[Field]]:
    """The fields typed in a line (by name), and those its parent's `compute` fills (shown, not typed)."""
    typed = [i.name for i in inputs(child, {}, {}, user)]
    hidden = access.hidden_fields(user, child)
    computed = [f for f in child.fields.values() if f.system_set and f.name not in hidden]
    return typed, computed


def _token(line_id: int | None) -> str:
    return f"i{line_id}" if line_id is not None else "n" + secrets.token_hex(4)


def _sub_form(form: MultiDict[str, str], prefix: str) -> MultiDict[str, str]:
    """The inputs of one row, named by field alone."""
    return MultiDict([(k[len(prefix):], v) for k, v in form.items(multi=True) if k.startswith(prefix)])


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def posted(entity: Entity, form: MultiDict[str, str], user: Any) -> Posted:
    """The lines a submitted form gives, per child entity whose grid was on it (`lines.<child>.shown`)."""
    out = Posted({}, {}, {})
    for child in children(entity):
        prefix = f"{FORM}.{child.name}"
        if f"{prefix}.shown" not in form:
            continue
        items, rows, errors = [], [], {}
        for index, token in enumerate(form.getlist(prefix)):
            sub = _sub_form(form, f"{prefix}.{token}.")
            values, texts, found = submitted(child, sub, user)
            line_id, version = _int(sub.get("id")), _int(sub.get("version"))
            item = {k: v for k, v in values.items() if k not in ("owner_id", "team_id")}
            if line_id is not None:
                item |= {"id": line_id, "version": version}
            items.append(item)
            rows.append((token, texts, line_id, version))
            if found:
                errors[index] = found
        out.lines[child.name], out.rows[child.name] = items, rows
        if errors:
            out.errors[child.name] = errors
    return out


def service_values(entity: Entity, lines: Posted) -> dict[str, Any]:
    """The posted lines under the keys the record service takes them by."""
    by_name = {child.name: child for child in children(entity)}
    return {key_of(entity, by_name[name]): items for name, items in lines.lines.items()}


def line_errors(entity: Entity, errors: Mapping[str, Any]) -> dict[str, dict[int, Any]]:
    """A ValidationFailed's line errors (under "lines" or each child's name) by child entity and line index."""
    out: dict[str, dict[int, Any]] = {}
    for child in children(entity):
        found = errors.get(key_of(entity, child))
        if isinstance(found, Mapping):
            out[child.name] = {int(i): form_errors(messages) for i, messages in found.items()}
        elif found:
            out[child.name] = {-1: {"": [str(m) for m in found]}}
    return out


def _computed_texts(child: Entity, values: Mapping[str, Any], fields: Sequence[Field], user: Any
                    ) -> list[tuple[str, str]]:
    presenter = Presenter(child, [RecordData(child.name, values)], user, list(fields))
    return [(f.name, presenter.show(RecordData(child.name, values), f).text if values.get(f.name) is not None
             else "") for f in fields]


def grids(entity: Entity, record: RecordData | None, user: Any, lines: Posted | None = None,
          errors: Mapping[str, Mapping[int, Any]] | None = None, totals: Totals | None = None) -> list[Grid]:
    """The grids of a parent's form: its stored lines (none for a new record), or the lines as posted."""
    stored = read(db.session(), entity, [record.id])[record.id] if record is not None and lines is None else {}
    made = []
    for child in children(entity):
        typed, computed = _line_fields(child, user)
        child_errors = dict((errors or {}).get(child.name, {}))
        whole = [m for ms in child_errors.pop(-1, {}).values() for m in ms]
        rows = []
        if lines is not None and child.name in lines.rows:
            posted_rows = lines.rows[child.name]
            worked = (totals.lines.get(child.name, []) if totals else []) or [{}] * len(posted_rows)
            for index, ((token, texts, line_id, version), given, shown) in enumerate(
                    zip(posted_rows, lines.lines[child.name], worked)):
                rows.append(_row(child, token, index + 1, line_id, version, given, texts,
                                 child_errors.get(index, {}), typed, computed, shown, user))
        else:
            for index, line in enumerate(stored.get(child.name, [])):
                rows.append(_row(child, _token(line.id), index + 1, line.id, line.version, line, None, {}, typed,
                                 computed, line, user))
        columns = [(name, localize(child.fields[name].label)) for name in typed]
        made.append(Grid(entity, child, key_of(entity, child), columns,
                         [(f.name, localize(f.label)) for f in computed], rows, whole))
    return made


def _row(child: Entity, token: str, number: int, line_id: int | None, version: int | None,
         values: Mapping[str, Any], texts: Mapping[str, str] | None, errors: Mapping[str, Any], typed: list[str],
         computed: list[Field], shown: Mapping[str, Any], user: Any) -> Row:
    prefix = f"{FORM}.{child.name}.{token}."
    cells = [replace(i, name=prefix + i.name) for i in inputs(child, values, errors, user, texts, only=typed)]
    whole = [m for name, ms in errors.items() if name not in typed for m in ms]
    return Row(token, number, line_id, version, cells, _computed_texts(child, shown, computed, user), whole)


def compute_from_form(entity: Entity, form: MultiDict[str, str], user: Any) -> tuple[Posted, Totals | None]:
    """The form's lines and, when the entity computes totals, what they come to (nothing is saved)."""
    lines = posted(entity, form, user)
    if entity.compute is None:
        return lines, None
    values, _texts, _errors = submitted(entity, form, user)
    typed = {name: [_loaded(children_by(entity)[name], item) for item in items]
             for name, items in lines.lines.items()}
    try:
        totals = entity.compute(_loaded(entity, defaults(entity) | values), typed)
    except (ArithmeticError, TypeError, ValueError, FieldValueError):
        return lines, None  # half-typed values it cannot add up yet: the totals wait for the next keystroke
    return lines, totals


def children_by(entity: Entity) -> dict[str, Entity]:
    return {child.name: child for child in children(entity)}


def _loaded(entity: Entity, item: Mapping[str, Any]) -> dict[str, Any]:
    """Posted values as `compute` reads stored ones (Decimal, Money): every field present, empty when not typed
    or not readable yet."""
    fields = entity.schemas["update"].fields
    out = dict.fromkeys(entity.fields)
    for name, value in item.items():
        if name in fields and value is not None:
            try:
                out[name] = fields[name].deserialize(value, name, item)
            except ValidationError:
                continue
    return out


def document_totals(entity: Entity, totals: Totals | None, record: Mapping[str, Any] | None, user: Any
                    ) -> list[tuple[str, str, str]]:
    """The document's computed fields as (field, label, text): from `totals`, else as the record stores them."""
    if entity.compute is None:
        return []
    hidden = access.hidden_fields(user, entity)
    fields = [f for f in entity.fields.values() if f.system_set and f.name not in hidden]
    values = dict(record or {}) | (dict(totals.document) if totals else {})
    names = list(totals.document) if totals else [f.name for f in fields]
    chosen = [f for f in fields if f.name in names]
    shown = RecordData(entity.name, values)
    presenter = Presenter(entity, [shown], user, chosen)
    return [(f.name, localize(f.label), presenter.show(shown, f).text if values.get(f.name) is not None else "")
            for f in chosen]


def _parent(name: str) -> Entity:
    from .pages import _entity

    entity = _entity(name)
    if not entity.children:
        abort(404)
    return entity


@bp.get("/<entity>/lines/<child>/row")
@login_required
def new_row(entity: str, child: str) -> Any:
    """A new, empty line for the grid (the Add line button appends it)."""
    e = _parent(entity)
    kid = children_by(e).get(child)
    if kid is None:
        abort(404)
    user = signed_in()
    typed, computed = _line_fields(kid, user)
    number = request.args.get("number", type=int) or 1
    row = _row(kid, _token(None), number, None, None, defaults(kid), None, {}, typed, computed, {}, user)
    grid = Grid(e, kid, key_of(e, kid), [], [(f.name, localize(f.label)) for f in computed], [row], [])
    return render_template("records/_lines_row.html", grid=grid, row=row, currencies=currencies())


@bp.post("/<entity>/lines/totals")
@login_required
def totals(entity: str) -> Any:
    """The line and document totals of the form as typed, swapped in by id; nothing is saved."""
    e = _parent(entity)
    user = signed_in()
    lines, worked = compute_from_form(e, request.form, user)
    outputs = []
    for child in children(e):
        _typed, computed = _line_fields(child, user)
        values = worked.lines.get(child.name, []) if worked else []
        for (token, _texts, _id, _version), line in zip(lines.rows.get(child.name, []), values):
            outputs += [(f"lines-{child.name}-{token}-{name}", text)
                        for name, text in _computed_texts(child, line, computed, user)]
    return render_template("records/_lines_totals.html", entity=e, outputs=outputs,
                           totals=document_totals(e, worked, None, user) if worked else [], oob=True)


def tables(entity: Entity, record: RecordData, user: Any) -> list[tuple[Entity, list[tuple[str, str]],
                                                                        list[list[str]]]]:
    """The detail page's lines: per child entity, its column labels and each line's texts, in order."""
    stored = read(db.session(), entity, [record.id])[record.id] if entity.children else {}
    out = []
    for child in children(entity):
        typed, computed = _line_fields(child, user)
        names = [n for n in typed if n in child.fields] + [f.name for f in computed]
        fields = [child.fields[n] for n in names]
        lines = stored.get(child.name, [])
        presenter = Presenter(child, lines, user, fields)
        rows = [[presenter.show(line, f).text if line.get(f.name) is not None else "" for f in fields]
                for line in lines]
        out.append((child, [(f.name, localize(f.label)) for f in fields], rows))
    return out


def form_grids(entity: Entity, record: RecordData | None, user: Any, lines: Posted | None,
               errors: Mapping[str, Mapping[int, Any]] | None, form: MultiDict[str, str]
               ) -> tuple[list[Grid], Totals | None]:
    """The grids of a form shown again after a refused save (`lines` as posted) or afresh, and the totals of
    what was posted."""
    worked = compute_from_form(entity, form, user)[1] if lines is not None else None
    return grids(entity, record, user, lines, errors, worked), worked


def detail_lines(entity: Entity, record: RecordData, user: Any
                 ) -> tuple[list[tuple[Entity, list[tuple[str, str]], list[list[str]]]], list[tuple[str, str, str]]]:
    """The detail page's lines tables and the document's totals as stored."""
    if not entity.children:
        return [], []
    return tables(entity, record, user), document_totals(entity, None, record, user)
