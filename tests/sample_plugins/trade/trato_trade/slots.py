"""What trade puts in the generic pages' slots: a header button, a tab, a mass action and a row action.

An account called "slot boom" makes the hook raise, for the test that a failing plugin leaves the page standing.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from trato import Fragment, access, hookimpl, records

bp = Blueprint("trade", __name__, url_prefix="/trade", template_folder="templates")


@bp.post("/accounts/vip")
@login_required
def mark_vip() -> Any:
    """The mass action: the ticked accounts become VIPs, each through the record service (scope and rules apply)."""
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    for account_id in ids:
        records.update("trade_account", account_id, {"vip": True}, user=current_user, version=None)
    flash(_("%(num)s accounts marked VIP.", num=len(ids)), "success")
    return redirect(url_for("records.listing", entity="trade_account") + "?" + request.form.get("back", ""))


@hookimpl
def blueprints() -> list[Blueprint]:
    return [bp]


def _account_slot(slot: str, record: Any, user: Any) -> list[Fragment]:
    if record is not None and record["name"] == "slot boom":
        raise RuntimeError("trade's slot failed")
    if slot == "record_header" and access.allowed(user, "trade_deal", "create"):
        return [Fragment(_l("New deal"), "slots/button.html", {
            "href": url_for("records.new", entity="trade_deal", account_id=record.id), "label": _l("New deal"),
            "icon": "plus"})]
    if slot == "record_tabs":
        deals = records.query("trade_deal", user=user).where({"account_id": record.id}).order_by("id").page(limit=50)
        open_deals = [d for d in deals.items if d["stage"] not in ("won", "lost")]
        return [Fragment(_l("Open deals"), "trade/open_deals.html", {"deals": open_deals}, priority=10)]
    if slot == "list_mass_actions" and access.allowed(user, "trade_account", "edit"):
        return [Fragment(_l("Mark VIP"), "slots/mass_button.html",
                         {"action": url_for("trade.mark_vip"), "label": _l("Mark VIP"), "icon": "star"})]
    if slot == "list_row_actions" and access.allowed(user, "trade_deal", "view"):
        return [Fragment(_l("Deals"), "slots/button.html", {
            "href": url_for("records.listing", entity="trade_deal") + "?account_id={id}", "label": _l("Deals")})]
    return []


@hookimpl
def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    return _account_slot(slot, record, user) if entity == "trade_account" else []
