"""The language switch on every page."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request, session, url_for
from flask_login import current_user

from .. import db
from ..i18n import LANGUAGES, _
from ..security import safe_next

bp = Blueprint("account", __name__)


@bp.post("/locale")
def set_locale() -> Any:
    locale = request.form.get("locale", "")
    if locale not in LANGUAGES:
        abort(400, description=_("Trato does not offer the language “%(code)s”.", code=locale))
    session["locale"] = locale
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session().commit()
    return redirect(safe_next(request.form.get("next"), url_for("home.index")))
