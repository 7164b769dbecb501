"""A user's own pages: my activities, the calendar feed and its secret URL, notifications."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..i18n import _
from . import activities, feed, notifications
from .blueprint import bp


def _user() -> Any:
    return current_user._get_current_object()


def agenda_response(token: str | None = None) -> Any:
    """The activities page, or only its lists for an HTMX request."""
    user = _user()
    context = dict(agenda=activities.agenda(user), has_feed=feed.has_token(user), kind_labels=activities.KIND_LABELS,
                   feed_url=url_for("activity.calendar", token=token, _external=True) if token else None)
    if request.headers.get("HX-Request") == "true" and token is None:
        return render_template("activity/_agenda.html", **context), 200, {"Vary": "HX-Request"}
    return render_template("activity/agenda.html", **context), 200, {"Vary": "HX-Request"}


@bp.get("/activities")
@login_required
def agenda() -> Any:
    return agenda_response()


@bp.post("/activities/feed-token")
@login_required
def feed_token() -> Any:
    """Make a new secret feed URL (the old one stops working) and show it this once."""
    return agenda_response(feed.new_token(_user()))


@bp.get("/activities/feed/<token>.ics")
def calendar(token: str) -> Any:
    """The user's activities as iCalendar; the secret in the URL is the only credential."""
    user = feed.owner(token)
    if user is None:
        abort(404)
    base = current_app.extensions["trato"].settings.base_url.rstrip("/")
    host = urlsplit(base).hostname or "trato"
    items = [(item, base + url_for("records.detail", entity=item.activity.entity, record_id=item.activity.record_id))
             for item in feed.feed_items(user)]
    body = feed.render(items, host, _("Trato activities of %(name)s", name=user.name))
    return Response(body, 200, {"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, no-store",
                                "Content-Disposition": 'inline; filename="trato.ics"'})


@bp.get("/notifications")
@login_required
def inbox() -> Any:
    return render_template("activity/notifications.html", items=notifications.latest(_user()))


@bp.post("/notifications/read")
@login_required
def mark_read() -> Any:
    """Mark one notification (`id`) or all of them read."""
    wanted = request.form.get("id", type=int)
    notifications.mark_read(_user(), wanted)
    if request.headers.get("HX-Request") == "true":
        return render_template("activity/_notifications.html", items=notifications.latest(_user()))
    return redirect(url_for("activity.inbox"))
