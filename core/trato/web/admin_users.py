"""The users admin: create and invite users, deactivate and reactivate them, reset passwords, revoke tokens.

The views hang on the admin blueprint (URLs under /admin/users, endpoints
`admin.*`), so the admin menu and the plugins' links to them stay as they
were. A one-time link or a temporary password is shown to the administrator
once, in the answer to the request that made it, and kept nowhere in clear.
"""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import db, invites, mail, security_log, tokens, twofactor
from ..errors import TratoError
from ..i18n import _
from ..models import User
from ..roles import admin as roles
from ..roles.membership import team_ids_of
from ..views.slots import collect, rendered
from ..users import create_user, set_active, set_temporary_password
from .admin import admin_required, bp
from .admin_roles import chosen_role, fill_access_choices, role_texts, show_refusal
from .forms import AccessForm, InviteForm, UserForm
from .once import shown_once

# Both forms of the users page ask for a name and an email; the prefix keeps their fields apart.
INVITE_PREFIX = "invite"


def _admin() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _user_or_404(user_id: int) -> User:
    user = db.session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _list_page(form: UserForm, invite_form: InviteForm, status: int = 200) -> Any:
    rows = db.session().scalars(select(User).order_by(User.name)).all()
    fill_access_choices(form, default_choice=True)
    fill_access_choices(invite_form, default_choice=True)
    return render_template("admin/users.html", users=rows, form=form, invite_form=invite_form,
                           role_texts=role_texts()), status


def _refuse(form: AccessForm, exc: TratoError) -> None:
    """A refusal at its input: the role or teams when it names them, else the email."""
    target = form._fields.get(getattr(exc, "field", None) or "email") or form._fields["email"]
    target.errors = [*target.errors, str(exc)]


def _new_user(form: InviteForm, password: str | None) -> User:
    """Create the user of a valid form, with the role and teams chosen there."""
    dbs = db.session()
    user = create_user(dbs, form.email.data or "", form.name.data or "", password, role=chosen_role(form))
    roles.set_user_teams(dbs, user, form.teams.data or [], actor=_admin())
    security_log.record(dbs, security_log.USER_CREATED, user, actor=_admin(),
                        role=roles.role_name(dbs, user.role_id))
    return user


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users() -> Any:
    form = UserForm()
    if form.validate_on_submit():
        dbs = db.session()
        try:
            user = _new_user(form, form.password.data or "")
            dbs.commit()
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
        except TratoError as exc:
            dbs.rollback()
            _refuse(form, exc)
    return _list_page(form, InviteForm(formdata=None, prefix=INVITE_PREFIX), 422 if request.method == "POST" else 200)


def _link_message(user: User, kind: str, link: str, hours: int) -> tuple[str, str]:
    """The subject and text of the mail that carries a one-time link."""
    admin = _admin().name
    if kind == invites.INVITE:
        subject = _("You are invited to Trato")
        lead = _("%(admin)s invited you to Trato. Open this link to choose your password:", admin=admin)
        tail = _("The link works once, for %(hours)d hours. Then you sign in with your email, %(email)s.",
                 hours=hours, email=user.email)
    else:
        subject = _("Choose a new Trato password")
        lead = _("%(admin)s asked Trato to let you choose a new password. Open this link to do so:", admin=admin)
        tail = _("The link works once, for %(hours)d hours. If you did not expect this message, tell %(admin)s.",
                 hours=hours, admin=admin)
    return subject, "\n\n".join([_("Hello %(name)s,", name=user.name), lead, link, tail]) + "\n"


def _link_page(user: User, kind: str) -> Any:
    """Issue a one-time link, mail it when mail is set up, and show it."""
    dbs = db.session()
    settings = current_app.extensions["trato"].settings
    token = invites.issue(dbs, settings, user, kind, _admin())
    dbs.commit()
    link = settings.base_url.rstrip("/") + url_for("auth.choose_password", token=token)
    mailed, mail_error = False, None
    if mail.configured(settings):
        try:
            mail.send(settings, user.email, *_link_message(user, kind, link, settings.invite_valid_hours))
            mailed = True
        except mail.MailError as exc:
            mail_error = str(exc)
    return shown_once("admin/users/link.html", record=user, kind=kind, link=link, mailed=mailed,
                      mail_error=mail_error, hours=settings.invite_valid_hours)


@bp.post("/users/invite")
@admin_required
def invite_user() -> Any:
    invite_form = InviteForm(prefix=INVITE_PREFIX)
    if invite_form.validate_on_submit():
        dbs = db.session()
        try:
            user = _new_user(invite_form, None)
        except TratoError as exc:
            dbs.rollback()
            _refuse(invite_form, exc)
        else:
            return _link_page(user, invites.INVITE)
    return _list_page(UserForm(formdata=None), invite_form, 422)


@bp.get("/users/<int:user_id>")
@admin_required
def user_detail(user_id: int, access_form: AccessForm | None = None) -> Any:
    user = _user_or_404(user_id)
    dbs = db.session()
    panels = rendered(collect("detail_panels", entity="user", record=user, user=_admin()))  # a failing one left out
    if access_form is None:
        access_form = AccessForm(formdata=None, prefix="access", role=roles.role_name(dbs, user.role_id),
                                 teams=team_ids_of(dbs, user.id))
    fill_access_choices(access_form, default_choice=False)
    return render_template(
        "admin/user_detail.html", record=user, panels=panels, link=invites.pending(dbs, user),
        tokens=tokens.for_user(dbs, user), scopes=tokens.SCOPES, events=security_log.recent(dbs, user),
        recovery_left=twofactor.recovery_codes_left(dbs, user) if user.two_factor else None,
        access_form=access_form, role_texts=role_texts(),
    ), 422 if access_form.errors else 200


@bp.post("/users/<int:user_id>/access")
@admin_required
def set_user_access(user_id: int) -> Any:
    """The user's role and teams, changed together or not at all."""
    user = _user_or_404(user_id)
    form = AccessForm(prefix="access")
    if form.validate_on_submit():
        dbs = db.session()
        try:
            role = chosen_role(form)
            if role is None:
                raise roles.RoleAdminError(_("Choose a role."), "role")
            roles.set_user_role(dbs, user, role, actor=_admin())
            roles.set_user_teams(dbs, user, form.teams.data or [], actor=_admin())
            dbs.commit()
        except roles.RoleAdminError as exc:
            dbs.rollback()
            show_refusal(form, exc)
        else:
            flash(_("The role and teams of %(name)s were saved.", name=user.name), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return user_detail(user_id, access_form=form)


@bp.post("/users/<int:user_id>/deactivate", defaults={"active": False})
@bp.post("/users/<int:user_id>/reactivate", defaults={"active": True})
@admin_required
def set_user_active(user_id: int, active: bool) -> Any:
    user = _user_or_404(user_id)
    dbs = db.session()
    try:
        set_active(dbs, user, active, _admin())
        dbs.commit()
    except TratoError as exc:
        dbs.rollback()
        flash(str(exc), "error")
    else:
        if active:
            flash(_("%(name)s can sign in again.", name=user.name), "success")
        else:
            flash(_("%(name)s is deactivated and signed out everywhere.", name=user.name), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/temporary-password")
@admin_required
def temporary_password(user_id: int) -> Any:
    user = _user_or_404(user_id)
    dbs = db.session()
    password = set_temporary_password(dbs, user, _admin())
    dbs.commit()
    return shown_once("admin/users/temporary_password.html", record=user, password=password)


@bp.post("/users/<int:user_id>/link")
@admin_required
def send_link(user_id: int) -> Any:
    """A new invitation for a user without a password, else a password reset link."""
    user = _user_or_404(user_id)
    if not user.active:
        flash(_("Reactivate the account first."), "error")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return _link_page(user, invites.RESET if user.has_password else invites.INVITE)


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@admin_required
def revoke_token(user_id: int, token_id: int) -> Any:
    dbs = db.session()
    token = dbs.get(tokens.ApiToken, token_id)
    if token is None or token.user_id != user_id:
        abort(404)
    tokens.revoke(dbs, token, _admin())
    dbs.commit()
    flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("admin.user_detail", user_id=user_id))
