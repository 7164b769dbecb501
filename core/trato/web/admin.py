"""The admin area: plugins and users."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import db
from ..errors import TratoError
from ..hooks import switch
from ..hooks.adopt import rescan
from ..i18n import _
from ..models import User
from ..ui import flatten_sorted
from ..users import create_user
from .forms import UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _plugins_page(status: int = 200) -> Any:
    host = current_app.extensions["trato"].plugins
    records = sorted(host.records.values(), key=lambda r: r.name)
    template = "admin/_plugins_table.html" if request.headers.get("HX-Request") else "admin/plugins.html"
    return render_template(template, records=records, host=host), status


@bp.get("/plugins")
@admin_required
def plugins() -> Any:
    rescan(current_app._get_current_object())  # show plugins pip installed since start-up
    return _plugins_page()


@bp.post("/plugins/<name>/<action>")
@admin_required
def plugin_action(name: str, action: str) -> Any:
    if action not in ("enable", "disable", "purge"):
        abort(404)
    try:
        if action == "enable":
            extra = [n for n in switch.enable(current_app, name) if n != name]
            flash(_("%(name)s is enabled.", name=name), "success")
            if extra:
                flash(_("Also enabled, because %(name)s requires them: %(list)s", name=name, list=", ".join(extra)),
                      "info")
        elif action == "disable":
            switch.disable(current_app, name)
            flash(_("%(name)s is disabled. Its data is kept.", name=name), "success")
        else:
            if request.form.get("confirm") != name:
                flash(_("Type the plugin's name to confirm that its data is to be deleted."), "error")
                return _plugins_page(422)
            switch.purge(current_app, name)
            flash(_("The data of %(name)s was deleted.", name=name), "success")
    except TratoError as exc:
        flash(str(exc), "error")
        return _plugins_page(422)
    if request.headers.get("HX-Request"):
        # The menu changes with the plugin set, so the whole page is reloaded.
        return "", 200, {"HX-Redirect": url_for("admin.plugins")}
    return redirect(url_for("admin.plugins"))


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users() -> Any:
    form = UserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = create_user(db.session(), form.email.data or "", form.name.data or "", form.password.data or "",
                               is_admin=bool(form.is_admin.data))
            db.session().commit()
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.users"))
        except TratoError as exc:
            db.session().rollback()
            form.email.errors = [*form.email.errors, str(exc)]
    if request.method == "POST":
        status = 422
    rows = db.session().scalars(select(User).order_by(User.name)).all()
    return render_template("admin/users.html", users=rows, form=form), status


@bp.get("/users/<int:user_id>")
@admin_required
def user_detail(user_id: int) -> Any:
    user = db.session().get(User, user_id)
    if user is None:
        abort(404)
    hook = current_app.extensions["trato"].plugins.hook
    panels = flatten_sorted(hook.detail_panels(entity="user", record=user, user=current_user._get_current_object()))
    return render_template("admin/user_detail.html", record=user, panels=panels)
