"""The columns and column widths each user keeps for an entity's list.

Choosing columns in the list's chooser keeps them: the next bare visit to the
list shows them again, on any device, until the user resets them. Dragging
a column's edge (or moving it with the arrow keys) keeps its width the same
way. A saved view or a URL that names its own columns still shows those.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import redirect, request, url_for
from flask_login import login_required

from .. import db
from ..i18n import _
from ..saved_views import ListLayout
from .inputs import signed_in
from .pages import _entity, bp
from ..presentation import visible_fields

MIN_WIDTH, MAX_WIDTH = 48, 960


def kept(entity: str, user: Any) -> ListLayout | None:
    """What `user` keeps for `entity`'s list, if anything."""
    return db.session().get(ListLayout, (user.id, entity))


def kept_columns(layout: ListLayout | None) -> tuple[str, ...]:
    return tuple(c for c in layout.columns.split(",") if c) if layout else ()


def _layout(entity: str, user: Any) -> ListLayout:
    session = db.session()
    layout = session.get(ListLayout, (user.id, entity))
    if layout is None:
        layout = ListLayout(user_id=user.id, entity=entity, columns="", widths={})
        session.add(layout)
    return layout


@bp.post("/<entity>/layout/columns")
@login_required
def keep_columns(entity: str) -> Any:
    """Keep the chooser's columns (or, with `reset`, go back to the default ones and widths) and show the list."""
    e = _entity(entity)
    user = signed_in()
    visible = {f.name for f in visible_fields(e, user)}
    layout = _layout(e.name, user)
    state = [(k, v) for k, v in parse_qsl(request.form.get("back", ""), keep_blank_values=True)
             if k not in ("cols", "col", "cursor")]
    if request.form.get("reset"):
        layout.columns, layout.widths = "", {}
    else:
        chosen = [c for c in request.form.getlist("col") if c in visible]
        layout.columns = ",".join(chosen)
        if chosen:
            state.append(("cols", layout.columns))
    db.session().commit()
    query = urlencode(state)
    base = url_for("records.listing", entity=e.name)
    return redirect(f"{base}?{query}" if query else base)


@bp.post("/<entity>/layout/width")
@login_required
def keep_width(entity: str) -> Any:
    """Keep the width a column was dragged to; 204, or 422 saying what is wrong with the field or width."""
    e = _entity(entity)
    user = signed_in()
    field = request.form.get("field", "")
    if field not in {f.name for f in visible_fields(e, user)}:
        return _("There is no column %(field)s in this list.", field=field), 422, {"Content-Type": "text/plain"}
    width = request.form.get("width", type=int)
    if width is None or not MIN_WIDTH <= width <= MAX_WIDTH:
        return (_("A column is %(min)s to %(max)s pixels wide.", min=MIN_WIDTH, max=MAX_WIDTH), 422,
                {"Content-Type": "text/plain"})
    layout = _layout(e.name, user)
    layout.widths = {**(layout.widths or {}), field: width}  # a new dict, so that the JSON column is written
    db.session().commit()
    return "", 204
