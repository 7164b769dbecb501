"""The signed-in person's own pages: details, password and two-factor sign-in, sessions, API tokens.

Secrets (a new two-factor key, recovery codes, a new API token) appear only
in the answer to the request that made them. A wrong current password or
code counts towards the sign-in lockout, so a borrowed session cannot be
used to guess them.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import Session

from .. import db, sessions, tokens, twofactor
from ..errors import TratoError
from ..i18n import _
from ..models import User
from ..users import WrongPassword, change_own_password, end_all_sessions
from . import lockout
from .once import shown_once
from .user_forms import ChangePasswordForm, CodeForm, ProfileForm, TokenForm

bp = Blueprint("profile", __name__, url_prefix="/profile")

# What a user who must replace a temporary password can still open.
_OPEN_WHILE_PASSWORD_MUST_CHANGE = {"profile.security", "profile.change_password", "auth.logout", "static",
                                    "account.set_locale"}


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


@bp.before_app_request
def _password_must_change() -> Any:
    if request.endpoint in _OPEN_WHILE_PASSWORD_MUST_CHANGE or not current_user.is_authenticated \
            or not current_user.must_change_password:
        return None
    target = url_for("profile.security")
    if request.headers.get("HX-Request"):
        return Response("", 200, {"HX-Redirect": target})
    flash(_("Choose a new password to go on: the one you signed in with was temporary."), "info")
    return redirect(target)


@bp.route("", methods=["GET", "POST"])
@login_required
def details() -> Any:
    me = _me()
    form = ProfileForm(data={"name": me.name, "locale": me.locale or "", "timezone": me.timezone or ""})
    if form.validate_on_submit():
        me.name = (form.name.data or "").strip()
        me.locale = form.locale.data or None
        me.timezone = form.timezone.data or None
        db.session().commit()
        flash(_("Your details are saved."), "success")
        return redirect(url_for("profile.details"))
    status = 422 if request.method == "POST" else 200
    return render_template("profile/details.html", form=form), status


def _security_page(status: int = 200, *, password_form: ChangePasswordForm | None = None,
                   code_form: CodeForm | None = None, error: str | None = None,
                   headers: dict[str, str] | None = None) -> Any:
    me = _me()
    dbs = db.session()
    left = twofactor.recovery_codes_left(dbs, me) if me.two_factor else None
    page = render_template("profile/security.html", password_form=password_form or ChangePasswordForm(formdata=None),
                           code_form=code_form or CodeForm(formdata=None), recovery_left=left, error=error,
                           sessions=sessions.alive_for(dbs, me), this_session=sessions.this_id())
    return page, status, headers or {}


@bp.get("/security")
@login_required
def security() -> Any:
    return _security_page()


@bp.post("/password")
@login_required
def change_password() -> Any:
    me, dbs = _me(), db.session()
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _security_page(422, password_form=form)
    left = lockout.remaining(me.email)
    if left is not None:
        form.current.errors = [lockout.message(left)]
        return _security_page(429, password_form=form, headers=lockout.retry_after(left))
    try:
        change_own_password(dbs, me, form.current.data or "", form.password.data or "")
    except WrongPassword as exc:
        dbs.rollback()
        lockout.count_failure(me.email, me, "password")
        form.current.errors = [str(exc)]
        return _security_page(422, password_form=form)
    except TratoError as exc:
        dbs.rollback()
        form.password.errors = [str(exc)]
        return _security_page(422, password_form=form)
    sessions.renew(dbs, me)  # every session has ended; this browser gets a new one
    dbs.commit()
    login_user(me)
    flash(_("Your password is changed. You were signed out everywhere else."), "success")
    return redirect(url_for("profile.security"))


@bp.post("/sessions/end")
@login_required
def logout_everywhere() -> Any:
    me, dbs = _me(), db.session()
    end_all_sessions(dbs, me)
    sessions.end_all(dbs, me)
    dbs.commit()
    logout_user()
    sessions.forget()
    flash(_("You are signed out everywhere, here too."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/sessions/<session_id>/end")
@login_required
def end_session(session_id: str) -> Any:
    """Sign out one session from the list (another browser, or this one)."""
    me, dbs = _me(), db.session()
    here = session_id == sessions.this_id()
    if not sessions.end_one(dbs, me, session_id):
        abort(404)
    dbs.commit()
    if here:
        logout_user()
        sessions.forget()
        return redirect(url_for("auth.login"))
    flash(_("That session is signed out."), "success")
    return redirect(url_for("profile.security"))


@bp.post("/two-factor/start")
@login_required
def two_factor_start() -> Any:
    me = _me()
    try:
        twofactor.begin_enrolment(me)
    except TratoError as exc:
        return _security_page(409, error=str(exc))
    db.session().commit()
    return _setup_page(CodeForm(formdata=None))


def _setup_page(form: CodeForm, status: int = 200, error: str | None = None) -> Any:
    me = _me()
    return shown_once("profile/two_factor_setup.html", status, form=form, secret=me.totp_secret,
                      uri=twofactor.provisioning_uri(me), error=error)


@bp.post("/two-factor/confirm")
@login_required
def two_factor_confirm() -> Any:
    me, dbs = _me(), db.session()
    form = CodeForm()
    if me.two_factor or not me.totp_secret:
        return redirect(url_for("profile.security"))
    if not form.validate_on_submit():
        return _setup_page(form, 422)
    try:
        codes = twofactor.confirm_enrolment(dbs, me, form.code.data or "")
    except twofactor.WrongCode as exc:
        dbs.rollback()
        return _setup_page(form, 422, str(exc))
    dbs.commit()
    return shown_once("profile/recovery_codes.html", codes=codes, first=True)


def _approved_by_code(change: Callable[[Session, User, str], list[str] | None]) -> Any:
    """Make a two-factor change that a current code (or a recovery code) must approve."""
    me, dbs = _me(), db.session()
    form = CodeForm()
    if not me.two_factor:
        return redirect(url_for("profile.security"))
    if not form.validate_on_submit():
        return _security_page(422, code_form=form)
    left = lockout.remaining(me.email)
    if left is not None:
        form.code.errors = [lockout.message(left)]
        return _security_page(429, code_form=form, headers=lockout.retry_after(left))
    try:
        codes = change(dbs, me, form.code.data or "")
    except twofactor.WrongCode as exc:
        dbs.rollback()
        lockout.count_failure(me.email, me, "code")
        form.code.errors = [str(exc)]
        return _security_page(422, code_form=form)
    dbs.commit()
    if codes is None:
        flash(_("Two-factor sign-in is off."), "success")
        return redirect(url_for("profile.security"))
    return shown_once("profile/recovery_codes.html", codes=codes, first=False)


@bp.post("/two-factor/disable")
@login_required
def two_factor_disable() -> Any:
    return _approved_by_code(twofactor.disable)


@bp.post("/two-factor/recovery-codes")
@login_required
def recovery_codes() -> Any:
    return _approved_by_code(twofactor.renew_recovery_codes)


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def api_tokens() -> Any:
    me, dbs = _me(), db.session()
    form = TokenForm()
    created = None
    status = 200
    if form.validate_on_submit():
        try:
            _token, created = tokens.create(dbs, me, form.name.data or "", form.scope.data or "",
                                            int(form.days.data or 0))
            dbs.commit()
            form = TokenForm(formdata=None)
        except TratoError as exc:
            dbs.rollback()
            form.name.errors = [*form.name.errors, str(exc)]
            status = 422
    elif request.method == "POST":
        status = 422
    return shown_once("profile/tokens.html", status, form=form, tokens=tokens.for_user(dbs, me), created=created,
                      scopes=tokens.SCOPES)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Any:
    me, dbs = _me(), db.session()
    token = dbs.get(tokens.ApiToken, token_id)
    if token is None or token.user_id != me.id:
        abort(404)
    tokens.revoke(dbs, token, me)
    dbs.commit()
    flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("profile.api_tokens"))
