"""Sign in (a password, then a two-factor code when the user has one), sign out, one-time password links.

Every failed password or code counts towards the lockout of `throttle`, and
a locked email or address is refused before any password is checked, with
the same message whether or not the email belongs to someone.
"""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from .. import db, invites, sessions, twofactor
from ..errors import TratoError
from ..i18n import _
from ..models import User
from ..security import safe_next
from ..users import authenticate, find_by_email, normalise_email, sign_in
from . import lockout
from .forms import LoginForm
from .user_forms import ChoosePasswordForm, CodeForm

bp = Blueprint("auth", __name__)

# Between a right password and the two-factor code, the session holds who is signing in.
PENDING = "_trato_pending_sign_in"
PENDING_SECONDS = 300


def _refuse_locked(template: str, left: timedelta, **context: Any) -> Any:
    return render_template(template, error=lockout.message(left), **context), 429, lockout.retry_after(left)


def _finish(user: User, remember: bool, method: str, target: str) -> Any:
    session.pop(PENDING, None)
    sign_in(user, remember=remember, method=method)
    lockout.forget_failures(user.email)  # after sign_in's commit: it writes aside from the request's transaction
    return redirect(target)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if request.method == "POST" else 200
    email = normalise_email(form.email.data or "")
    remaining = lockout.remaining(email)
    if remaining is not None:
        return _refuse_locked("auth/login.html", remaining, form=form)
    user = authenticate(email, form.password.data or "")
    if user is None:
        remaining = lockout.count_failure(email, find_by_email(db.session(), email), "password")
        if remaining is not None:
            return _refuse_locked("auth/login.html", remaining, form=form)
        return render_template("auth/login.html", form=form, error=_("The email or the password is not right.")), 422
    target = safe_next(request.args.get("next"), url_for("home.index"))
    remember = bool(form.remember.data)
    if not user.two_factor:
        return _finish(user, remember, "password", target)
    db.session().commit()  # a password rehash, if `authenticate` made one
    session[PENDING] = {"user": user.id, "epoch": user.session_epoch, "at": int(time.time()),
                        "remember": remember, "next": target}
    return redirect(url_for("auth.code"))


def _pending_user() -> User | None:
    """Who passed the password step in this browser, if it was recently and nothing changed since."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session().get(User, pending.get("user"))
    if user is None or not user.active or not user.two_factor or user.session_epoch != pending.get("epoch"):
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
def code() -> Any:
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Sign in again: the sign-in was not finished in time."), "error")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form), 422 if request.method == "POST" else 200
    remaining = lockout.remaining(user.email)
    if remaining is not None:
        return _refuse_locked("auth/code.html", remaining, form=form)
    try:
        method = twofactor.verify(db.session(), user, form.code.data or "")
    except twofactor.WrongCode as exc:
        db.session().rollback()
        remaining = lockout.count_failure(user.email, user, "code")
        if remaining is not None:
            return _refuse_locked("auth/code.html", remaining, form=form)
        return render_template("auth/code.html", form=form, error=str(exc)), 422
    pending = session[PENDING]
    return _finish(user, bool(pending.get("remember")), method, pending.get("next") or url_for("home.index"))


@bp.post("/logout")
@login_required
def logout() -> Any:
    """Sign out: the server forgets the session, so a copy of the cookie taken before opens nothing."""
    dbs = db.session()
    sessions.end(dbs)
    dbs.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/password/<token>", methods=["GET", "POST"])
def choose_password(token: str) -> Any:
    """The page an invitation or a reset link opens: the person chooses their password."""
    dbs = db.session()
    link = invites.find(dbs, token)
    if link is None:
        return render_template("auth/link_invalid.html"), 404
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            invites.redeem(dbs, token, form.password.data or "")
            dbs.commit()
        except TratoError as exc:
            dbs.rollback()
            form.password.errors = [*form.password.errors, str(exc)]
        else:
            if current_user.is_authenticated:  # whoever was signed in here, the link's owner signs in next
                sessions.end(dbs)
                dbs.commit()
                logout_user()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/set_password.html", form=form, link=link), status
