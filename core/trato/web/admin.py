"""The admin area: the blueprint, the admin guard, and the plugins screen (users: admin_users.py)."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import TratoError
from ..hooks import switch
from ..hooks.adopt import rescan
from ..i18n import _

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

