"""The home dashboard, made of widgets that enabled plugins contribute."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user, login_required

from ..i18n import _l
from ..ui import flatten_sorted
from ..views.slots import collect, fragments, rendered
from ..replica import lagging

bp = Blueprint("home", __name__)


def getting_started() -> list[dict[str, Any]]:
    """What a new admin should do next, each step a link to a screen that exists."""
    state = current_app.extensions["trato"]
    steps = [
        {
            "title": _l("Enable the modules you need"),
            "text": _l("Sales, quotes, projects and the other areas of Trato are plugins. "
                       "Turn on only what your company uses."),
            "url": url_for("admin.plugins"),
            "done": bool(state.plugins.enabled),
        },
        {
            "title": _l("Add your team"),
            "text": _l("Create an account for each person who will use Trato."),
            "url": url_for("admin.users"),
            "done": False,
        },
    ]
    if "admin.entities" in current_app.view_functions:
        steps.append({
            "title": _l("Define your own fields"),
            "text": _l("Add the fields and record types your business needs, without code."),
            "url": url_for("admin.entities"),
            "done": False,
        })
    return steps


@bp.route("/")
@login_required
def index() -> Any:
    user = current_user._get_current_object()
    with lagging():  # a dashboard may show figures a moment old: from the read replica, when there is one
        widgets = rendered(flatten_sorted([collect("dashboard_widgets", user=user), fragments("dashboard", user)]))
    steps = getting_started() if current_user.is_admin else []
    return render_template("home.html", widgets=widgets, steps=steps)
