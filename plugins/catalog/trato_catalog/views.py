"""The catalog's own page, the price check; its entities' pages are the core's generic ones."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden

from trato import PermissionRefused, RecordLink, RecordNotFound, access, records

from . import price_check

bp = Blueprint("catalog", __name__, url_prefix="/catalog", template_folder="templates")


@bp.errorhandler(PermissionRefused)
def refused(exc: PermissionRefused) -> Any:
    """What the user's role does not allow: the 403 page, with the policy's message."""
    return current_app.handle_http_exception(Forbidden(str(exc)))


def _title(link: RecordLink | None) -> str | None:
    """The chosen customer's title for the picker, when the user may see it."""
    if link is None or link.entity not in {e.name for e in records.entities()}:
        return None
    try:
        return records.entity(link.entity).title_of(records.get(link.entity, link.id, user=current_user))
    except (RecordNotFound, PermissionRefused):
        return None


@bp.get("/price-check")
@login_required
def price_check_page() -> Any:
    """A product's price and taxes for a customer, quantity, date and currency (a GET form: it changes nothing)."""
    access.check(current_user, "catalog_product", "view")
    check = price_check.run(current_user)
    positions = records.query("catalog_fiscal_position", user=current_user).order_by("name").page(limit=100).items
    return render_template("catalog/price_check.html", check=check, positions=positions,
                           customer_title=_title(check.customer),
                           product_lookup=url_for("records.lookup", entity="catalog_product"),
                           customer_lookup=url_for("records.link_lookup")), 422 if check.errors else 200
