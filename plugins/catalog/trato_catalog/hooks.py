"""How Catalog plugs into Trato: one function per hook (see Trato's docs/hooks.md)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trato import ApiEndpoint, Fragment, NavItem, RecordData, access, hookimpl, roles

from . import api, customer_panel, demo, images, rules, setup, spain
from .models import ENTITIES
from .views import bp

# Menu entries: (entity, label, icon, priority); the set-up ones come after the products.
MENU = [("catalog_product", _l("Products"), "package", 40),
        ("catalog_category", _l("Product categories"), "category", 41),
        ("catalog_price_list", _l("Price lists"), "tags", 42),
        ("catalog_customer_terms", _l("Customer terms"), "user-dollar", 43),
        ("catalog_customer_group", _l("Customer groups"), "users-group", 44),
        ("catalog_tax", _l("Taxes"), "receipt-tax", 45),
        ("catalog_tax_category", _l("Tax categories"), "percentage", 46),
        ("catalog_fiscal_position", _l("Fiscal positions"), "world", 47)]


@hookimpl
def entities() -> list[type]:
    return list(ENTITIES)


@hookimpl
def blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def navigation(user: Any) -> list[NavItem]:
    """The catalog's lists, for whoever may see them."""
    entries = [NavItem("records.listing", label, priority=priority, icon=icon, group=_l("Catalog"),
                       values={"entity": entity})
               for entity, label, icon, priority in MENU if access.allowed(user, entity, "view")]
    if access.allowed(user, "catalog_product", "view"):
        entries.append(NavItem("catalog.price_check_page", _l("Price check"), priority=48, icon="calculator",
                               group=_l("Catalog")))
    return entries


@hookimpl
def before_save(entity: str, values: dict[str, Any], previous: RecordData | None, user: Any) -> Any:
    if entity.startswith("catalog_"):
        return rules.check_record(entity, values, previous)
    return None


@hookimpl
def after_save(entity: str, record: RecordData, previous: RecordData | None, user: Any) -> None:
    if entity.startswith("catalog_"):
        rules.check_lines(entity, record)


@hookimpl
def detail_panels(entity: str, record: RecordData, user: Any) -> list[Fragment]:
    """A product's images (its attached image files); a customer's terms and price lists."""
    if entity == "catalog_product":
        return images.panel(record, user)
    return customer_panel.panel(entity, record, user)


@hookimpl
def plugin_enabled(name: str, session: Session) -> None:
    """Everyone reads the catalog (to quote and invoice from it); administrators change it. Spain's taxes are
    made the first time."""
    if name == "catalog":
        for model in ENTITIES:
            roles.grant(session, model.__tablename__, ("view",), "all")
        spain.install(session, setup.install_language())


@hookimpl
def demo_data(session: Session, locale: str) -> None:
    demo.load(session, locale)


@hookimpl
def api_endpoints() -> list[ApiEndpoint]:
    return api.endpoints()
