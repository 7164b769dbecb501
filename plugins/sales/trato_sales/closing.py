"""When a deal is won or lost: the day it closed, and why it was lost.

Applied from `before_save` (through `rules.check_deal`), so the form, the
board, the API, an import and a mass update all date a deal the same way
and all ask a lost deal for its reason. Goals and the forecast count won
deals by `closed_on`, not by the expected close date.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlalchemy import select

from trato import RecordData
from trato import session as db_session

from .models import LostReason, Stage

REASON = "lost_reason_id"


def today() -> date:
    """Today where the person saving is (the install's time zone for jobs and the command line)."""
    return datetime.now(get_timezone()).date()


def _outcome(stage_id: int | None) -> str | None:
    """A stage's meaning (open, won, lost), read even if the stage is in the recycle bin."""
    table = Stage.__table__
    return db_session().scalar(select(table.c.outcome).where(table.c.id == stage_id)) if stage_id else None


def _offered(reason_id: int) -> bool:
    table = LostReason.__table__
    return bool(db_session().scalar(select(table.c.active).where(table.c.id == reason_id)))


def settle(values: dict[str, Any], previous: RecordData | None, stage: Any) -> dict[str, str] | None:
    """Date a deal that becomes won or lost, clear what no longer applies when it reopens, and ask a deal
    that becomes lost for its reason. Returns the refusals by field, or None.

    A date or reason the user gives with the change is kept; one left as it
    was before the change is replaced (a new date) or cleared. Deals that
    were lost before reasons existed keep having none until they change
    outcome.
    """
    before = None if previous is None else (stage.outcome if previous["stage_id"] == stage.id
                                            else _outcome(previous["stage_id"]))

    def unchanged(name: str) -> bool:
        """The field holds what the stored deal held (the user did not touch it)."""
        return previous is not None and values.get(name) == previous[name]

    refused: dict[str, str] = {}
    if stage.outcome == "open":
        if values.get("closed_on") is not None:
            if unchanged("closed_on"):
                values["closed_on"] = None  # reopened
            else:
                refused["closed_on"] = _("Only a won or lost deal has a closing date.")
    elif values.get("closed_on") is None or (before != stage.outcome and unchanged("closed_on")):
        values["closed_on"] = today()
    if stage.outcome == "lost":
        reason = values.get(REASON)
        if reason is None and (before != "lost" or previous[REASON] is not None):
            refused[REASON] = _("Choose why the deal was lost.")
        elif reason is not None and not unchanged(REASON) and not _offered(reason):
            refused[REASON] = _("This reason is no longer offered; choose another.")
    else:
        if before == "lost" and unchanged("lost_reason"):
            values["lost_reason"] = None  # reopened or won: the loss's details no longer apply
        if values.get(REASON) is not None:
            if unchanged(REASON):
                values[REASON] = None
            else:
                refused[REASON] = _("Only a lost deal has a lost reason.")
    return refused or None
