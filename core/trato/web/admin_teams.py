"""The teams admin: the teams, each team's name and members, and deleting a team that owns nothing.

Views hang on the admin blueprint (URLs under /admin/teams, endpoints
`admin.team*`). Changes go through `trato.roles.admin`, which checks and
logs them; a refusal is shown at its input with status 422.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .. import db
from ..i18n import _, _l
from ..models import User
from ..roles import admin as roles
from ..roles.models import Team, TeamMember
from .admin import admin_required, bp
from .admin_roles import PostForm, button_errors, committed, show_refusal


class TeamForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=1000)])


class MemberForm(FlaskForm):
    user = SelectField(_l("User"), validate_choice=False)


def _admin() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _team_or_404(team_id: int) -> Team:
    team = db.session().get(Team, team_id)
    if team is None:
        abort(404)
    return team


@bp.route("/teams", methods=["GET", "POST"])
@admin_required
def teams() -> Any:
    form = TeamForm(prefix="team")
    dbs = db.session()
    if form.validate_on_submit():
        try:
            team = roles.create_team(dbs, form.name.data or "", form.description.data or "", actor=_admin())
            dbs.commit()
        except roles.RoleAdminError as exc:
            dbs.rollback()
            show_refusal(form, exc)
        else:
            flash(_("The team %(name)s was created. Add its members now.", name=team.name), "success")
            return redirect(url_for("admin.team", team_id=team.id))
    counts = dict(dbs.execute(select(TeamMember.team_id, func.count()).group_by(TeamMember.team_id)).all())
    rows = [(t, counts.get(t.id, 0)) for t in dbs.scalars(select(Team).order_by(Team.name))]
    return render_template("admin/teams/list.html", rows=rows, form=form), _status()


def _member_form(team: Team, members: list[User], formdata: Any = None) -> MemberForm:
    form = MemberForm(formdata=formdata, prefix="member")
    inside = {m.id for m in members}
    form.user.choices = [SelectChoice(str(u.id), f"{u.name} <{u.email}>")
                         for u in db.session().scalars(select(User).where(User.active.is_(True)).order_by(User.name))
                         if u.id not in inside]
    return form


def _team_page(team: Team, form: TeamForm | None = None, member_form: MemberForm | None = None,
               errors: list[str] | None = None) -> Any:
    """The team page; `errors` are a refused button's (remove a member, delete the team)."""
    dbs = db.session()
    members = roles.team_members(dbs, team)
    form = form or TeamForm(formdata=None, prefix="team", name=team.name, description=team.description)
    return render_template(
        "admin/teams/team.html", team=team, form=form, members=members,
        member_form=member_form or _member_form(team, members), errors=errors or [],
        role_texts={r.id: roles.role_text(r) for r, _depth in roles.role_tree(dbs)}), _status()


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@admin_required
def team(team_id: int) -> Any:
    """The team page; a POST saves its name and description."""
    team = _team_or_404(team_id)
    form = TeamForm(prefix="team")
    if form.validate_on_submit():
        if committed(form, lambda dbs: roles.change_team(dbs, team, form.name.data or "", form.description.data or "",
                                                          actor=_admin())):
            flash(_("The team %(name)s was saved.", name=team.name), "success")
            return redirect(url_for("admin.team", team_id=team.id))
    return _team_page(_team_or_404(team_id), form=form if request.method == "POST" else None)


def _change_members(team: Team, form: FlaskForm, change: Any) -> bool:
    """Apply `change` to the member ids of a valid form; a refusal lands on the form. True when saved."""
    if not form.validate_on_submit():
        return False
    dbs = db.session()
    try:
        current = {u.id for u in roles.team_members(dbs, team)}
        roles.set_team_members(dbs, team, change(current), actor=_admin())
        dbs.commit()
    except roles.RoleAdminError as exc:
        dbs.rollback()
        show_refusal(form, exc)
        return False
    return True


def _user_id(value: Any) -> int:
    text = str(value or "").strip()
    if not text.isdigit():
        raise roles.RoleAdminError(_("Choose a user from the list."), "user")
    return int(text)


@bp.post("/teams/<int:team_id>/members")
@admin_required
def add_member(team_id: int) -> Any:
    team = _team_or_404(team_id)
    members = roles.team_members(db.session(), team)
    form = _member_form(team, members, request.form)
    if _change_members(team, form, lambda current: current | {_user_id(form.user.data)}):
        flash(_("The team %(name)s has a new member.", name=team.name), "success")
        return redirect(url_for("admin.team", team_id=team.id))
    return _team_page(_team_or_404(team_id), member_form=form)


@bp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
@admin_required
def remove_member(team_id: int, user_id: int) -> Any:
    team = _team_or_404(team_id)
    form = PostForm()
    if _change_members(team, form, lambda current: current - {user_id}):
        flash(_("The member was removed from %(name)s.", name=team.name), "success")
        return redirect(url_for("admin.team", team_id=team.id))
    return _team_page(_team_or_404(team_id), errors=button_errors(form))


@bp.post("/teams/<int:team_id>/delete")
@admin_required
def delete_team(team_id: int) -> Any:
    team = _team_or_404(team_id)
    form = PostForm()
    if form.validate_on_submit():
        name = team.name
        if committed(form, lambda dbs: roles.delete_team(dbs, team, actor=_admin())):
            flash(_("The team %(name)s was deleted.", name=name), "success")
            return redirect(url_for("admin.teams"))
    return _team_page(_team_or_404(team_id), errors=button_errors(form))
