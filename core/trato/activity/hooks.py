"""The core's own implementations of record hooks, registered in the plugin manager beside the plugins'.

This is how the core hears of every save and delete, through the record
service's lifecycle, without the service knowing about followers.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..hooks import hookimpl
from ..i18n import _l
from ..records import RecordData
from ..ui import Fragment, NavItem
from . import cleanup, followers, storage
from .activities import agenda

NAME = "core.activity"


@hookimpl
def after_save(entity: str, record: RecordData, previous: RecordData | None, user: Any) -> None:
    followers.record_saved(entity, record, previous, user)


@hookimpl
def after_delete(entity: str, record: RecordData, user: Any) -> None:
    followers.record_deleted(entity, record, user)


@hookimpl
def records_purged(entity: str, ids: list[int], session: Session) -> None:
    """The notes, activities, attachments, tags and followers of purged records go with them."""
    storage.remove_after_commit(session, cleanup.forget(session, entity, ids))


@hookimpl
def dashboard_widgets(user: Any) -> list[Fragment]:
    return [Fragment(_l("My activities"), "activity/widget.html", {"agenda": agenda(user)}, priority=10)]


@hookimpl
def navigation(user: Any) -> list[NavItem]:
    return [NavItem("activity.agenda", _l("My activities"), priority=20, icon="calendar-check")]
