"""Saved views (smart lists): open, save the current page as, rename, delete and make one the default.

A view is a page's URL query string (filters, sort, columns, and the kanban's
or calendar's settings) under a name, kept per entity. Its owner may share it
with their role, one of their teams, or everyone; the records it shows are
still those each viewer may see, since every page reads through the scoped
query builder.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import abort, flash, redirect, request, url_for
from flask_login import login_required
from sqlalchemy import Select, and_, delete, or_, select
from werkzeug.wrappers import Response

from .. import db
from ..entities import Entity
from ..i18n import _
from ..models import utcnow
from ..roles.membership import team_ids_of
from ..roles.models import Team, TeamMember
from .inputs import signed_in
from .pages import _entity, bp
from ..saved_views import KINDS, SHARING, DefaultView, SavedView

NAME_LENGTH = 200
ENDPOINTS = {"list": "records.listing", "kanban": "records.kanban", "calendar": "records.calendar"}
# Parameters a view does not keep: the page of results, the view's own id, the builders' scratch inputs.
TRANSIENT = frozenset({"cursor", "view", "csrf_token"})


@dataclass(frozen=True)
class Menu:
    """What the views menu of a page shows: the views the user may open, the open one and the default."""

    views: list[SavedView]
    current: SavedView | None
    default_id: int | None
    kind: str
    query: str
    teams: list[Team]
    user_id: int


def _visible(entity: str, user: Any) -> Select[tuple[SavedView]]:
    """The views of `entity` the user owns or that are shared with them, by name (their teams read in the same
    statement)."""
    teams = select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    shared = [SavedView.shared == "everyone", SavedView.owner_id == user.id,
              and_(SavedView.shared == "team", SavedView.team_id.in_(teams))]
    if user.role_id is not None:
        shared.append(and_(SavedView.shared == "role", SavedView.role_id == user.role_id))
    return select(SavedView).where(SavedView.entity == entity, or_(*shared)).order_by(SavedView.name, SavedView.id)


def visible(entity: str, user: Any) -> list[SavedView]:
    """The views of `entity` the user owns or that are shared with them, by name."""
    return list(db.session().scalars(_visible(entity, user)))


def default_of(entity: str, user: Any) -> SavedView | None:
    """The user's default view of `entity`, if they set one and may still open it."""
    row = db.session().get(DefaultView, (user.id, entity))
    if row is None:
        return None
    return next((v for v in visible(entity, user) if v.id == row.view_id), None)


def kept(query: str) -> str:
    """A page's query string as a view keeps it."""
    return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=False)
                      if k not in TRANSIENT and not k.startswith("_")])


def url_of(view: SavedView) -> str:
    """Where a view opens: its kind's page with its state, marked as this view."""
    base = url_for(ENDPOINTS[view.kind], entity=view.entity)
    return f"{base}?{'&'.join(p for p in (view.query, urlencode({'view': view.id})) if p)}"


def menu(entity: Entity, kind: str, args: Any) -> Menu:
    """The menu for a page of `kind` whose URL parameters are `args`."""
    user = signed_in()
    session = db.session()
    default = (select(DefaultView.view_id).where(DefaultView.user_id == user.id, DefaultView.entity == entity.name)
               .scalar_subquery())
    rows = session.execute(_visible(entity.name, user).add_columns(default.label("default_id"))).all()
    views = [view for view, _default in rows]
    current = next((v for v in views if str(v.id) == args.get("view")), None)
    teams = list(session.scalars(select(Team).join(TeamMember, TeamMember.team_id == Team.id)
                                 .where(TeamMember.user_id == user.id).order_by(Team.name)))
    query = kept(urlencode(list(args.items(multi=True))))
    # The default comes with the views: with none the user may open, there is no default to offer to clear.
    return Menu(views, current, rows[0].default_id if rows else None, kind, query, teams, user.id)


def _own(entity: Entity, view_id: int) -> SavedView:
    """A view of the user's own, or 404 (a shared view is its owner's to change)."""
    view = db.session().get(SavedView, view_id)
    if view is None or view.entity != entity.name or view.owner_id != signed_in().id:
        abort(404)
    return view


def _back(entity: Entity) -> Response:
    """Back to the page the menu was on (its query string comes with the form)."""
    kind = request.form.get("kind", "list")
    base = url_for(ENDPOINTS.get(kind, "records.listing"), entity=entity.name)
    query = request.form.get("back", "")
    return redirect(f"{base}?{query}" if query else base)  # type: ignore[return-value]


def _name() -> str | None:
    """The submitted name, or None after flashing why it cannot be used."""
    name = request.form.get("name", "").strip()
    if not name:
        flash(_("Give the view a name."), "error")
        return None
    if len(name) > NAME_LENGTH:
        flash(_("A view's name can be at most %(max)s characters long.", max=NAME_LENGTH), "error")
        return None
    return name


def _sharing(user: Any) -> tuple[str, int | None, int | None] | None:
    """(shared, role_id, team_id) from the form, or None after flashing why not."""
    shared = request.form.get("shared", "nobody")
    if shared not in SHARING:
        flash(_("Choose who sees the view."), "error")
        return None
    if shared == "role":
        if user.role_id is None:
            flash(_("You have no role to share the view with."), "error")
            return None
        return shared, user.role_id, None
    if shared == "team":
        team = request.form.get("team_id", type=int)
        if team is None or team not in team_ids_of(db.session(), user.id):
            flash(_("Choose one of your teams to share the view with."), "error")
            return None
        return shared, None, team
    return shared, None, None


@bp.get("/<entity>/views/<int:view_id>")
@login_required
def open_view(entity: str, view_id: int) -> Any:
    e = _entity(entity)
    view = next((v for v in visible(e.name, signed_in()) if v.id == view_id), None)
    if view is None:
        abort(404)
    return redirect(url_of(view))


@bp.post("/<entity>/views")
@login_required
def save_view(entity: str) -> Any:
    """Save the page the menu is on as a new view, and open it."""
    e = _entity(entity)
    user = signed_in()
    kind = request.form.get("kind", "list")
    name, sharing = _name(), _sharing(user)
    if kind not in KINDS:
        abort(400)
    if name is None or sharing is None:
        return _back(e)
    shared, role_id, team_id = sharing
    now = utcnow()
    view = SavedView(entity=e.name, name=name, owner_id=user.id, shared=shared, role_id=role_id, team_id=team_id,
                     kind=kind, query=kept(request.form.get("back", "")), created_at=now, updated_at=now)
    session = db.session()
    session.add(view)
    session.commit()
    flash(_("The view %(name)s was saved.", name=name), "success")
    return redirect(url_of(view))


@bp.post("/<entity>/views/<int:view_id>/rename")
@login_required
def rename_view(entity: str, view_id: int) -> Any:
    e = _entity(entity)
    view = _own(e, view_id)
    name = _name()
    if name is not None:
        view.name, view.updated_at = name, utcnow()
        db.session().commit()
        flash(_("The view was renamed to %(name)s.", name=name), "success")
    return _back(e)


@bp.post("/<entity>/views/<int:view_id>/delete")
@login_required
def delete_view(entity: str, view_id: int) -> Any:
    e = _entity(entity)
    view = _own(e, view_id)
    session = db.session()
    session.execute(delete(DefaultView).where(DefaultView.view_id == view.id))
    session.delete(view)
    session.commit()
    flash(_("The view %(name)s was deleted.", name=view.name), "success")
    return redirect(url_for(ENDPOINTS[view.kind], entity=e.name, view="none"))


@bp.post("/<entity>/views/<int:view_id>/default")
@login_required
def default_view(entity: str, view_id: int) -> Any:
    """Make a view the one the user's bare list of the entity opens with."""
    e = _entity(entity)
    user = signed_in()
    view = next((v for v in visible(e.name, user) if v.id == view_id), None)
    if view is None:
        abort(404)
    session = db.session()
    row = session.get(DefaultView, (user.id, e.name)) or DefaultView(user_id=user.id, entity=e.name)
    row.view_id = view.id
    session.add(row)
    session.commit()
    flash(_("%(name)s is now your default view of %(entity)s.", name=view.name, entity=e.plural_text), "success")
    return _back(e)


@bp.post("/<entity>/views/default/clear")
@login_required
def clear_default(entity: str) -> Any:
    e = _entity(entity)
    session = db.session()
    session.execute(delete(DefaultView).where(DefaultView.user_id == signed_in().id, DefaultView.entity == e.name))
    session.commit()
    flash(_("Your list of %(entity)s opens with no saved view now.", entity=e.plural_text), "success")
    return _back(e)
