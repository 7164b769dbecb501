"""The blueprint of the activity pages (record sections, my activities, notifications, calendar feed)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import current_user

from . import notifications

bp = Blueprint("activity", __name__)


@bp.app_context_processor
def _unread() -> dict[str, Any]:
    """`unread_notifications()` for the top bar: counted only when a page asks."""
    def count() -> int:
        return notifications.unread(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": count}
