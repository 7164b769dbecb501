"""The kanban board of any entity with a select field: a column per option (in option order, then "none"),
cards with the title and chosen fields, money totals per column, and cards dragged between columns.

    /r/trade_deal/kanban?by=stage&sum=amount&cards=account_id,closes_on&amount__gte=1000

A card is draggable only when the user may change its record (their role's
scope for "edit", a share, not blocked): the server marks each one, so a
card that would be refused is not picked up at all. A drop is saved through
the record service with the card's version, so a save the service refuses
(validation, a plugin's before_save, someone else's newer version, the
user's role) changes nothing; the browser then puts the card back and shows
the message (static/js/kanban.js).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import abort, jsonify, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import func
from werkzeug.datastructures import MultiDict

from .. import access, db, records
from ..entities import Entity
from ..fields import Field, localize
from ..formatting import money
from ..i18n import _
from ..records import QueryError, RecordQuery, SaveRefused, StaleRecord, ValidationFailed
from . import saved
from .inline import editable_fields
from .inputs import form_errors, signed_in
from .listing import ListState, date_fields, select_fields
from .pages import _entity, _fragment_or_page, bp
from ..presentation import Presenter, visible_fields
from .versions import posted_version, stale_message

CARDS = 50
CARD_FIELDS = 4


@dataclass(frozen=True)
class Column:
    value: str  # "" for the records with no value
    label: str
    count: int
    totals: list[str]
    cards: list[tuple[records.RecordData, list[Any]]]
    next_cursor: str | None
    movable: frozenset[int]  # the ids of the cards the user may drag (may change)


@dataclass(frozen=True)
class Board:
    """The board's settings as the URL gives them, checked against the fields the user may see."""

    by: Field
    total: Field | None
    cards: list[Field]

    @classmethod
    def read(cls, entity: Entity, args: MultiDict[str, str], visible: Mapping[str, Field], state: ListState
             ) -> Board | None:
        choices = select_fields(visible)
        if not choices:
            return None
        by = next((f for f in choices if f.name == args.get("by")), choices[0])
        total = next((f for f in visible.values() if f.type.widget == "money" and f.name == args.get("sum")), None)
        # `cards=a,b` in a URL, or `cards=a&cards=b` from the settings' checkboxes
        asked = [name for value in args.getlist("cards") for name in value.split(",")] or state.columns
        shown = [visible[n] for n in asked if n in visible and n not in (by.name, entity.title_field)]
        return cls(by, total, shown[:CARD_FIELDS])

    def params(self) -> dict[str, str | None]:
        return {"by": self.by.name, "sum": self.total.name if self.total else None,
                "cards": ",".join(f.name for f in self.cards) or None}


def _in_column(query: RecordQuery, by: Field, value: str) -> RecordQuery:
    return query.where({by.name: value} if value else {f"{by.name}__isnull": "1"})


def totals(query: RecordQuery, field: Field) -> list[str]:
    """The sum of a money field over the query's records, one per currency, formatted."""
    table = query.entity.table
    amount, currency = table.c[field.name], table.c[field.type.currency_column(field)]
    stmt = query.statement().with_only_columns(currency, func.sum(amount, type_=amount.type)).group_by(currency)
    sums: dict[str, Decimal] = {}
    for code, total in db.session().execute(stmt):
        if total is not None:
            code = code or field.settings.get("currency") or "XXX"
            sums[code] = sums.get(code, Decimal(0)) + total
    return [money(total, code) for code, total in sorted(sums.items())]


def can_move(entity: Entity, user: Any, board: Board | None) -> bool:
    """Whether `user` may move any card of the board: change the entity's records and the board's field."""
    return board is not None and access.allowed(user, entity, "edit") and board.by.name in editable_fields(entity,
                                                                                                          user)


def _column(entity: Entity, query: RecordQuery, board: Board, value: str, label: str, cursor: str | None,
            user: Any, moving: bool) -> Column:
    chosen = _in_column(query, board.by, value)
    page = chosen.page(limit=CARDS, cursor=cursor)
    presenter = Presenter(entity, page.items, user, board.cards)
    movable = access.permitted(user, entity, "edit", page.items) if moving and page.items else frozenset()
    return Column(value, label, chosen.count().value, totals(chosen, board.total) if board.total else [],
                  [(r, [s for s in presenter.row(r) if s.text]) for r in page.items], page.next_cursor, movable)


def _setup(entity: Entity) -> tuple[Any, dict[str, Field], ListState, Board | None]:
    user = signed_in()
    visible = {f.name: f for f in visible_fields(entity, user)}
    state = ListState.read(entity, request.args, visible)
    return user, visible, state, Board.read(entity, request.args, visible, state)


@bp.get("/<entity>/kanban")
@login_required
def kanban(entity: str) -> Any:
    e = _entity(entity)
    user, visible, state, board = _setup(e)
    columns: list[Column] = []
    error = None if board else _("%(entity)s has no select field to make columns of.", entity=e.plural_text)
    moving = can_move(e, user, board)
    if board:
        try:
            query = state.query(e, user, visible)
            options = [(o.value, o.text) for o in board.by.options]
            columns = [_column(e, query, board, value, label, None, user, moving)
                       for value, label in [*options, ("", _("No %(field)s", field=localize(board.by.label).lower()))]]
        except QueryError as exc:
            error = str(exc)
    return _fragment_or_page(
        "records/kanban.html", 400 if error and board else 200, entity=e, state=state, board=board,
        columns=columns, error=error, can_move=moving, select_fields=select_fields(visible),
        money_fields=[f for f in visible.values() if f.type.widget == "money"], fields=list(visible.values()),
        menu=saved.menu(e, "kanban", request.args), kind="kanban", has_dates=bool(date_fields(visible)),
        has_selects=True)


@bp.get("/<entity>/kanban/column")
@login_required
def kanban_more(entity: str) -> Any:
    """The next cards of one column (its "more" button's answer)."""
    e = _entity(entity)
    user, visible, state, board = _setup(e)
    value = request.args.get("value", "")
    if board is None or (value and value not in {o.value for o in board.by.options}):
        abort(404)
    try:
        column = _column(e, state.query(e, user, visible), board, value, "", request.args.get("cursor"), user,
                         can_move(e, user, board))
    except QueryError as exc:
        abort(400, str(exc))
    return render_template("records/_kanban_cards.html", entity=e, state=state, board=board, column=column)


@bp.post("/<entity>/kanban/move")
@login_required
def kanban_move(entity: str) -> Any:
    """Save a dropped card's new column; JSON with the new version, or the reason it was refused."""
    e = _entity(entity)
    user = signed_in()
    by = request.form.get("by", "")
    record_id = request.form.get("id", type=int)
    value = request.form.get("value", "")
    field = e.fields.get(by)
    if field is None or field.type.widget != "select" or by not in editable_fields(e, user) or record_id is None:
        return jsonify(message=_("Cards cannot be moved on this board.")), 400
    try:
        saved_record = records.update(e, record_id, {by: value or None}, user=user,
                                      version=posted_version(e, record_id))
    except ValidationFailed as exc:
        found = form_errors(exc.errors)
        return jsonify(message="; ".join(f"{localize(e.fields[n].label) if n in e.fields else n}: {' '.join(m)}"
                                         for n, m in found.items())), 422
    except SaveRefused as exc:
        return jsonify(message=str(exc)), 422
    except StaleRecord as exc:
        return jsonify(message=stale_message(exc, _("Someone else changed this card in the meantime; reload the "
                                                    "board and try again."))), 409
    except records.RecordNotFound:
        return jsonify(message=_("This card is no longer there; reload the board.")), 404
    except access.PermissionRefused as exc:
        return jsonify(message=str(exc)), 403
    return jsonify(version=saved_record.version, message=_("%(name)s moved.", name=e.title_of(saved_record)),
                   url=url_for("records.detail", entity=e.name, record_id=saved_record.id))
