"""Sign in and sign out."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..i18n import _
from ..users import authenticate, sign_in
from .forms import LoginForm
from ..security import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            sign_in(user, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
        error = _("The email or the password is not right.")
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout() -> Any:
    logout_user()
    return redirect(url_for("auth.login"))
