"""Demo data: a small services firm's catalog (consulting, web set-up, hosting, training, a book, coffee), a
bundle priced as the sum of its parts, and a price list for wholesale customers with a quantity break."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .models import BundleItem, Category, CustomerGroup, PriceList, PriceRule, Product, Tax, TaxCategory

D = Decimal
CATEGORIES = {"services": ("Services", "Servicios"), "goods": ("Goods", "Productos")}

# code, name en, name es, kind, unit, price, cost, category, tax category kind, withholding tax code
PRODUCTS: list[tuple[Any, ...]] = [
    ("CONS-H", "Consulting hour", "Hora de consultoría", "service", "hour", D("85.00"), D("40.00"), "services",
     "general", "IRPF15"),
    ("WEB-SETUP", "Website set-up", "Puesta en marcha de la web", "service", "unit", D("1200.00"), D("600.00"),
     "services", "general", None),
    ("HOST-M", "Web hosting, monthly", "Alojamiento web mensual", "service", "month", D("25.00"), D("8.00"),
     "services", "general", None),
    ("TRAIN-D", "Training day", "Jornada de formación", "service", "day", D("450.00"), D("150.00"), "services",
     "general", "IRPF15"),
    ("BOOK-TAX", "Tax guide for small firms (book)", "Guía fiscal para pymes (libro)", "product", "unit",
     D("24.00"), D("11.00"), "goods", "super_reduced", None),
    ("COFFEE-1K", "Office coffee, 1 kg", "Café para oficina, 1 kg", "product", "kg", D("18.50"), D("9.20"), "goods",
     "reduced", None),
]
# the bundle: code, names, its parts (code, quantity)
BUNDLE = ("START-PACK", "Starter pack: web and a year of hosting", "Pack de inicio: web y un año de alojamiento",
          [("WEB-SETUP", D("1")), ("HOST-M", D("12"))])


def load(session: Session, locale: str) -> None:
    """The demo catalog in `locale`'s language (names in both languages on each product)."""
    spanish = locale == "es"
    now = datetime.now(timezone.utc)
    stamp = {"created_at": now, "updated_at": now, "version": 1}

    def add(model: Any, values: dict[str, Any]) -> int:
        return session.execute(insert(model).returning(model.id), {**values, **stamp}).scalar_one()

    categories = {key: add(Category, {"name": es if spanish else en}) for key, (en, es) in CATEGORIES.items()}
    tax_categories = {kind: id_ for kind, id_ in session.execute(
        select(TaxCategory.kind, TaxCategory.id).order_by(TaxCategory.id.desc()))}
    taxes = {code: id_ for code, id_ in session.execute(select(Tax.code, Tax.id))}
    ids = {}
    for code, en, es, kind, unit, price, cost, category, tax_kind, withholding in PRODUCTS:
        ids[code] = add(Product, {
            "code": code, "name": es if spanish else en, "name_en": en, "name_es": es, "kind": kind, "unit": unit,
            "list_price": price, "list_price_currency": "EUR", "cost": cost, "cost_currency": "EUR",
            "category_id": categories[category], "tax_category_id": tax_categories.get(tax_kind),
            "withholding_tax_id": taxes.get(withholding), "active": True})
    code, en, es, parts = BUNDLE
    bundle = add(Product, {"code": code, "name": es if spanish else en, "name_en": en, "name_es": es,
                           "kind": "service", "unit": "unit", "category_id": categories["services"],
                           "tax_category_id": tax_categories.get("general"), "bundle_pricing": "sum",
                           "active": True})
    session.execute(insert(BundleItem), [{"parent_id": bundle, "position": n, "component_id": ids[part],
                                          "quantity": quantity, **stamp}
                                         for n, (part, quantity) in enumerate(parts, start=1)])
    group = add(CustomerGroup, {"name": "Mayoristas" if spanish else "Wholesale customers"})
    price_list = add(PriceList, {"name": "Tarifa mayoristas" if spanish else "Wholesale prices", "group_id": group,
                                 "currency": "EUR", "valid_from": date(date.today().year, 1, 1), "active": True})
    session.execute(insert(PriceRule), [
        {"parent_id": price_list, "position": 1, "product_id": ids["COFFEE-1K"], "min_quantity": D("1"),
         "discount": D("5"), **stamp},
        {"parent_id": price_list, "position": 2, "product_id": ids["COFFEE-1K"], "min_quantity": D("10"),
         "discount": D("12"), **stamp},
        {"parent_id": price_list, "position": 3, "product_id": ids["BOOK-TAX"], "min_quantity": D("1"),
         "fixed_price": D("20.00"), "fixed_price_currency": "EUR", **stamp}])
