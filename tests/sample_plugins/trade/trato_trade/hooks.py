"""The entity hooks, with effects a test can see."""
from __future__ import annotations

from typing import Any, NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trato import ApiAction, ApiEndpoint, ValidationFailed, access, hookimpl, records

from .models import RATING, Account, Deal
from .slots import blueprints, page_slot  # noqa: F401 (hooks: a page and the page slots it fills)

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
    if "priceless" in (values.get("name") or "").lower() and values.get("amount") is None:
        return {"amount": _("A priceless deal still needs an amount.")}  # a refusal tied to a field
    if values.get("stage") == "won":
        values["probability"] = 100
    return None


@hookimpl
def after_save(entity, record, previous, user):
    """Winning a deal makes its account a VIP, in the same transaction; a deal or an account named "boom" fails."""
    EVENTS.append(("saved", entity, record.id, None if previous is None else previous.version))
    if entity in ("trade_deal", "trade_account") and record["name"] == "boom":
        raise RuntimeError("after_save failed")
    if entity != "trade_deal":
        return
    if record["stage"] == "won" and record["account_id"] and (previous or {}).get("stage") != "won":
        records.update("trade_account", record["account_id"], {"vip": True}, user=None, version=None)


@hookimpl
def after_delete(entity, record, user):
    EVENTS.append(("deleted", entity, record.id, record.version))


@hookimpl
def before_delete(entity, record, user):
    """An account called "keeper" may not be deleted or purged."""
    if entity == "trade_account" and record["name"] == "keeper":
        return _("This account is kept.")
    return None


@hookimpl
def record_lock(entity, record):
    """Trade locks records of other entities too: any record whose name starts with "Frozen"."""
    if entity != "trade_deal" and str(record.get("name") or "").startswith("Frozen"):
        return _("it is frozen")
    return None


@hookimpl
def records_purged(entity, ids, session):
    EVENTS.append(("purged", entity, tuple(ids)))


def close_deal(record_id, body, user):
    """POST /api/v1/trade_deal/<id>/close {"outcome": "won" | "lost"}: the deal's stage, in one call."""
    deal = records.get("trade_deal", record_id, user=user)
    if body.get("outcome") not in ("won", "lost"):
        raise ValidationFailed({"outcome": [_("Say won or lost.")]})
    closed = records.update("trade_deal", record_id, {"stage": body["outcome"]}, user=user, version=deal.version)
    return {"id": closed.id, "stage": closed["stage"], "version": closed.version}


def deal_summary(record_id, body, user):
    deal = records.get("trade_deal", record_id, user=user)
    return {"name": deal["name"], "stage": deal["stage"]}


@hookimpl
def api_actions():
    return [ApiAction("trade_deal", "close", close_deal, summary="Close the deal as won or lost",
                      takes={"type": "object", "required": ["outcome"],
                             "properties": {"outcome": {"enum": ["won", "lost"]}}}),
            ApiAction("trade_deal", "summary", deal_summary, method="GET")]


BOOM = "fragment boom"  # a user or record of this name makes the widget and panel hooks raise


@hookimpl
def dashboard_widgets(user):
    """None of its own, but raises for a user called "fragment boom", for the test that the home page stands."""
    if user.name == BOOM:
        raise RuntimeError("trade's widget failed")
    return []


@hookimpl
def detail_panels(entity, record, user):
    """None of its own, but raises on a user or record called "fragment boom", for the test that the page stands."""
    if (record.name if entity == "user" else record.get("name")) == BOOM:
        raise RuntimeError("trade's panel failed")
    return []


CLOSE_DEAL = "trade_close_deal"


@hookimpl
def permissions():
    return [access.Permission(CLOSE_DEAL, _l("Close deals"), _l("Mark a deal won or lost in one call."))]


def pipeline(call):
    """GET /api/v1/trade/pipeline: how many of the deals the caller sees are at each stage."""
    counts: dict[str, int] = {}
    for deal in records.query("trade_deal", user=call.user).page(limit=200).items:
        counts[deal["stage"]] = counts.get(deal["stage"], 0) + 1
    return {"stages": counts}


def close_with_permission(call, deal_id):
    """POST /api/v1/trade/deals/<id>/close: `close_deal` behind the trade_close_deal permission."""
    return close_deal(deal_id, call.body, call.user)


@hookimpl
def api_endpoints():
    return [ApiEndpoint("pipeline", pipeline, summary=_l("Deals by stage")),
            ApiEndpoint("deals/<int:deal_id>/close", close_with_permission, method="POST", permission=CLOSE_DEAL,
                        summary=_l("Close the deal as won or lost"),
                        takes={"type": "object", "required": ["outcome"],
                               "properties": {"outcome": {"enum": ["won", "lost"]}}})]


class Candidate(NamedTuple):
    record: Any
    reasons: tuple[str, ...]


def same_account_name(values, user):
    """Accounts whose name is the same but for case and surrounding spaces, closest (oldest) first."""
    name = (values.get("name") or "").strip()
    if not name:
        return []
    found = (records.query("trade_account", user=user).where({"name__startswith": name}).order_by("id")
             .page(limit=5).items)
    return [Candidate(record, ("name",)) for record in found if record["name"].strip().casefold() == name.casefold()]


@hookimpl
def duplicate_finders():
    return {"trade_account": same_account_name}
