"""The list page every entity gets: columns, sort, filters (AND pairs and OR groups), search, pages, count,
row selection for mass actions, and cells that can be edited in place.

The page's state lives in its URL (listing.ListState); a bare list URL opens
the user's default saved view, if they chose one.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import redirect, request, url_for
from flask_login import login_required

from .. import access
from ..activity.tags import in_use as tags_in_use
from ..directory import active_users
from ..fields import localize
from ..records import QueryError
from ..records.filters import field_name
from . import layouts, saved
from .cells import Cells
from .inline import editable_fields
from .inputs import signed_in
from .listing import OPERATOR_LABELS, PAGE_SIZE, ListState, date_fields, filter_fields, select_fields
from .mass import mass_fields
from .pages import _entity, _fragment_or_page, bp
from ..presentation import Presenter, visible_fields
from .slots import fill, row_actions


def _builder_redirect(entity: str, state: ListState) -> Any:
    """The filter builder's row, moved into the URL: a `field__op=value` pair, or one more OR alternative."""
    e = _entity(entity)
    field = field_name(e, request.args["_field"])
    op = request.args.get("_op") or "eq"
    typed = e.fields.get(field)
    # What the user typed, in their locale ("12.500,50"), goes into the URL in the locale-free form.
    values = [typed.type.typed_text(typed, v) if typed else v for v in request.args.getlist("_value") if v != ""]
    if len(values) > 1 and op == "eq":
        op = "in"  # several boxes of a select ticked
    value = ",".join(values)
    if request.args.get("_group") == "or":
        query = state.query_string(filter=state.with_or({"field": field, "op": op, "value": value}), cursor=None)
    else:
        query = state.query_string(**{f"{field}__{op}": value, "cursor": None})
    return redirect(f"{url_for('records.listing', entity=entity)}?{query}")


@bp.get("/<entity>/")
@login_required
def listing(entity: str) -> Any:
    e = _entity(entity)
    user = signed_in()
    if not request.args and (view := saved.default_of(e.name, user)) is not None:
        return redirect(saved.url_of(view))
    if not request.args and e.list_filter:  # the entity's own default, such as leads not yet converted
        return redirect(f"{url_for('records.listing', entity=e.name)}?{urlencode(dict(e.list_filter))}")
    visible = {f.name: f for f in visible_fields(e, user)}
    layout = layouts.kept(e.name, user)
    state = ListState.read(e, request.args, visible, layouts.kept_columns(layout))
    if request.args.get("_field"):
        return _builder_redirect(e.name, state)
    error, page, total, alternatives = None, None, None, []
    try:
        alternatives = state.tree_items(e)
        query = state.query(e, user, visible)
        page = query.page(limit=PAGE_SIZE, cursor=state.cursor)
        total = query.count(page=page)
    except QueryError as exc:
        error = str(exc)
    items = page.items if page else []
    can_edit = access.allowed(user, e, "edit")
    owners = active_users() if can_edit else []  # before the cells: the owners' names come with it
    presenter = Presenter(e, items, user, [visible[c] for c in state.columns])
    editable = editable_fields(e, user) if can_edit else set()
    changeable = access.permitted(user, e, "edit", items) if editable else frozenset()
    context = dict(entity=e, state=state, rows=Cells(e, presenter, editable, changeable=changeable).rows(items),
                   error=error,
                   next_cursor=page.next_cursor if page else None, total=total, fields=list(visible.values()),
                   filter_fields=filter_fields(visible),
                   labels={name: localize(f.label) for name, f in visible.items()},
                   headers=[visible[c] for c in state.columns], operator_labels=OPERATOR_LABELS,
                   widths=layout.widths if layout else {}, width_limits=(layouts.MIN_WIDTH, layouts.MAX_WIDTH),
                   alternatives=alternatives, can_create=access.allowed(user, e, "create"), can_edit=can_edit,
                   can_delete=access.allowed(user, e, "delete"), can_export=access.allowed(user, e, "export"),
                   mass_fields=mass_fields(e, user) if can_edit else [],
                   owners=owners, menu=saved.menu(e, "list", request.args),
                   has_selects=bool(select_fields(visible)), has_dates=bool(date_fields(visible)),
                   tags=[] if state.tag else tags_in_use(e.name),
                   list_actions=fill("list_actions", user, e.name),
                   mass_actions=fill("list_mass_actions", user, e.name) if items else [])
    context["row_actions"] = row_actions(user, e.name, [r.id for r in items]) if items else {}
    context["has_row_actions"] = any(context["row_actions"].values())
    return _fragment_or_page("records/list.html", 400 if error else 200, **context)
