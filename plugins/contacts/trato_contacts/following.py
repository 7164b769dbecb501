"""Follow or unfollow the contacts ticked on a contact list: two buttons Contacts puts in the list's mass-action
bar through the core's `page_slot` hook. Following a contact means hearing of its changes in one's notifications;
it needs only to see the contact, so every role that opens the list gets the buttons."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from trato import Fragment, RecordNotFound, extras, hookimpl

from .models import Contact
from .views import bp

CONTACTS = Contact.__tablename__


def _apply(change: Any) -> int:
    """Run `change(entity, id, user)` on every ticked contact the user sees; how many it was run on."""
    done = 0
    for value in request.form.getlist("ids"):
        if not value.isdigit():
            continue
        try:
            change(CONTACTS, int(value), current_user)
        except RecordNotFound:
            continue  # gone, or out of the user's scope since the list was drawn
        done += 1
    return done


def _back() -> Any:
    return redirect(url_for("records.listing", entity=CONTACTS) + "?" + request.form.get("back", ""))


@bp.post("/follow")
@login_required
def follow_selected() -> Any:
    done = _apply(extras.follow)
    flash(ngettext("You now follow %(num)s contact.", "You now follow %(num)s contacts.", done), "success")
    return _back()


@bp.post("/unfollow")
@login_required
def unfollow_selected() -> Any:
    done = _apply(extras.unfollow)
    flash(ngettext("You no longer follow %(num)s contact.", "You no longer follow %(num)s contacts.", done),
          "success")
    return _back()


@hookimpl
def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    if entity != CONTACTS or slot != "list_mass_actions":
        return []
    return [Fragment(_l("Follow"), "slots/mass_button.html",
                     {"action": url_for("contacts.follow_selected"), "label": _l("Follow"), "icon": "bell"}),
            Fragment(_l("Unfollow"), "slots/mass_button.html",
                     {"action": url_for("contacts.unfollow_selected"), "label": _l("Unfollow"), "icon": "bell-off"})]
