"""The entity hooks, with effects a test can see."""
from __future__ import annotations

from flask_babel import gettext as _

from trato import hookimpl, records

from .models import RATING, Account, Deal

EVENTS: list[tuple] = []


@hookimpl
def entities():
    return [Account, Deal]


@hookimpl
def field_types():
    return [RATING]


@hookimpl
def before_save(entity, values, previous, user):
    if entity != "trade_deal":
        return None
    if "forbidden" in (values.get("name") or "").lower():
        return _("Deal names may not say forbidden.")
    if values.get("stage") == "won":
        values["probability"] = 100
    return None


@hookimpl
def after_save(entity, record, previous, user):
    """Winning a deal makes its account a VIP, in the same transaction; a deal named "boom" fails."""
    EVENTS.append(("saved", entity, record.id, None if previous is None else previous.version))
    if entity != "trade_deal":
        return
    if record["name"] == "boom":
        raise RuntimeError("after_save failed")
    if record["stage"] == "won" and record["account_id"] and (previous or {}).get("stage") != "won":
        records.update("trade_account", record["account_id"], {"vip": True}, user=None, version=None)


@hookimpl
def after_delete(entity, record, user):
    EVENTS.append(("deleted", entity, record.id, record.version))


@hookimpl
def records_purged(entity, ids, session):
    EVENTS.append(("purged", entity, tuple(ids)))
