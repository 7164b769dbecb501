"""What billing makes when invoicing is enabled the first time: the shipped payment terms and the dunning
schedule (reminders 7, 15 and 30 days after the due date), in the install's language."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Boolean, Integer, column, insert, select, table
from sqlalchemy.orm import Session

from trato import fields, migration, roles

from .models import DunningStep
from .terms import SHIPPED

DUNNING_DAYS = {7: ("First reminder", "Primer recordatorio"), 15: ("Second reminder", "Segundo recordatorio"),
                30: ("Last reminder", "Último recordatorio")}

_terms = table("invoicing_payment_term", column("id", Integer), column("name"), column("instalments"),
               column("active", Boolean), column("created_at", migration.UTCDateTime()),
               column("updated_at", migration.UTCDateTime()), column("version", Integer))


def _stamp() -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    return {"created_at": now, "updated_at": now, "version": 1}


def install(session: Session) -> None:
    """The shipped terms and dunning steps, each only if there are none of its kind yet; every role reads the
    dunning schedule, administrators change it."""
    roles.grant(session, DunningStep.__tablename__, ("view",), "all")
    spanish = fields.install_language() == "es"
    if session.scalar(select(_terms.c.id).limit(1)) is None:
        session.execute(insert(_terms), [{"name": es if spanish else en, "instalments": instalments,
                                          "active": True, **_stamp()} for en, es, instalments in SHIPPED])
    if session.scalar(select(DunningStep.id).limit(1)) is None:
        session.execute(insert(DunningStep), [{"name": es if spanish else en, "days_after_due": days,
                                               "active": True, **_stamp()}
                                              for days, (en, es) in DUNNING_DAYS.items()])
