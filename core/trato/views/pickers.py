"""The filter builder's controls that suit each field (checkboxes for a select, a date input, a type-ahead
picker for a relation), and the pickers' answers: 20 matching records (or users) at a time, of those the
user may see, matched only on fields their role shows them.

A picker never holds the whole target table: it asks `lookup` as the user types and shows what comes back
(js/pickers.js). Matching goes through the record query's free-text search, served by the search index
(FTS5 word prefixes on SQLite, trigram on PostgreSQL, both ignoring case and accents), and the answer is read
by keyset, so that every page costs the same at any size.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import Response, abort, json, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from .. import access, db, records
from ..api.problems import Problem
from ..entities import Entity, UnknownEntity
from ..i18n import _
from ..models import User
from ..records import QueryError, RecordData
from ..search.match import fold
from .inputs import signed_in
from .listing import OPERATOR_LABELS
from .pages import _entity, bp
from ..presentation import entities, visible_fields

LOOKUP_LIMIT = 20
MAX_TYPED = 200  # characters of the typed text that are read: enough for any title


@bp.get("/<entity>/filter-value")
@login_required
def filter_value(entity: str) -> Any:
    """The condition and value controls for the field chosen in the filter builder."""
    e = _entity(entity)
    field = next((f for f in visible_fields(e, signed_in()) if f.name == request.args.get("_field")), None)
    if field is None:
        abort(404)
    operators = {op: text for op, text in OPERATOR_LABELS.items() if op in field.operators}
    target = None
    if field.type.widget == "relation":
        try:
            target = entities().get(field.type.target(field))
        except UnknownEntity:
            target = None
    return render_template("records/_filter_value.html", entity=e, field=field, operators=operators,
                           target=target)


def shown_title(entity: Entity, record: RecordData, hidden: Collection[str]) -> str:
    """How a picker names a record: its title from the fields the user may see, else `#id`."""
    return entity.title_of({name: value for name, value in record.items() if name not in hidden})


def matches(entity: Entity, user: Any, text: str) -> records.RecordQuery:
    """The records of `entity` the user may see whose visible search fields hold every typed word (as a word
    prefix), newest first; all of them, in the visible title's order, when nothing is typed.

    Matches are not put in the title's order: a short prefix matches a good part of the table, and sorting
    all of it by title would cost a keystroke 80 ms at 200,000 accounts where newest first reads 20 of them
    from the search index (bench/picker.py). With no search fields the visible title must start with the
    text. A role that hides the title field (or every search field) gets matches on what it does see,
    never ordered by the hidden value.
    """
    query = records.query(entity, user=user)
    hidden = access.hidden_fields(user, entity)
    title = entity.title_field if entity.title_field and entity.title_field not in hidden else None
    if text and entity.search_fields:
        query = query.search(text)
    elif text and title:
        query = query.where({f"{title}__startswith": text})
    elif text:
        raise QueryError(_("%(entity)s has no search fields.", entity=entity.text), "q")
    if text:
        return query.order_by("-id")
    return query.order_by(title if title and entity.fields[title].sortable else "id")


@bp.get("/<entity>/lookup")
@login_required
def lookup(entity: str) -> Any:
    """A page of up to 20 records of `entity` matching `q`, as picker options (`value`, `text`), and the
    URL of the next page (`next`, null after the last); `cursor` asks for a page after the first."""
    e = _entity(entity)
    user = signed_in()
    text = " ".join(request.args.get("q", "")[:MAX_TYPED].split())
    try:
        page = matches(e, user, text).page(limit=LOOKUP_LIMIT, cursor=request.args.get("cursor") or None)
    except QueryError as exc:
        return _problem(str(exc), exc.field or "q")
    hidden = access.hidden_fields(user, e)
    following = url_for(".lookup", entity=e.name, q=text or None, cursor=page.next_cursor) \
        if page.next_cursor else None
    return _options([(r.id, shown_title(e, r, hidden)) for r in page.items], following)


@bp.get("/users-lookup")
@login_required
def users_lookup() -> Any:
    """Active users whose name holds every typed word (case and accents ignored), 20 at a time (`page`
    counts from 1): the owner picker's and user fields' type-ahead. A company has hundreds of users, not
    hundreds of thousands: their names are matched here, where accents fold the same on every database."""
    words = [fold(w) for w in request.args.get("q", "")[:MAX_TYPED].split()]
    number = request.args.get("page", "1")
    if not number.isdigit() or int(number) < 1:
        return _problem(_("The page must be a whole number from 1."), "page")
    start = (int(number) - 1) * LOOKUP_LIMIT
    everyone = db.session().execute(select(User.id, User.name).where(User.active.is_(True)).order_by(User.name))
    found = [(i, name) for i, name in everyone if all(w in fold(name) for w in words)]
    chosen = found[start:start + LOOKUP_LIMIT]
    following = url_for(".users_lookup", q=" ".join(words) or None, page=int(number) + 1) \
        if len(found) > start + LOOKUP_LIMIT else None
    return _options(chosen, following)


def _options(chosen: list[tuple[int, str]], following: str | None) -> Response:
    """Picker options as JSON with the names as written ("Núñez", not "N\\u00fa\\u00f1ez"), and the next page's URL."""
    body = {"results": [{"value": str(i), "text": text} for i, text in chosen], "next": following}
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), mimetype="application/json")


def _problem(detail: str, field: str) -> Any:
    """A refused lookup as the API refuses a query: problem+json naming the parameter at fault."""
    return Problem(400, _("Bad query parameter"), detail, "bad-query", {field: [detail]}).response()
