"""The price check page: a product's price and taxes for a customer, quantity and date, in English and Spanish;
unreadable input shown at its field (422); nothing for a user without catalog permission."""
from __future__ import annotations

import re

from sqlalchemy import select

from trato import records, roles, session
from trato_catalog.models import FiscalPosition, TaxCategory


def _setup(app):
    with app.app_context():
        s = session()
        general = s.scalar(select(TaxCategory.id).where(TaxCategory.name == "General"))
        surcharge = s.scalar(select(FiscalPosition.id).where(FiscalPosition.name == "Equivalence surcharge"))
        item = records.create("catalog_product", {
            "code": "CHAIR", "name": "Chair", "name_es": "Silla", "tax_category_id": general,
            "list_price": {"amount": "40.00", "currency": "EUR"}}, user=None)
        records.create("catalog_price_list", {"name": "Volume", "currency": "EUR", "lines": [
            {"product_id": item.id, "min_quantity": "10", "discount": "10"}]}, user=None)
        return item.id, surcharge


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_price_and_taxes_of_a_line(catalog_app, client_as, make_user):
    item, surcharge = _setup(catalog_app)
    web = client_as("user")
    page = web.get(f"/catalog/price-check?product={item}&quantity=10&date=2026-03-01&currency=EUR"
                   f"&fiscal_position={surcharge}")
    assert page.status_code == 200
    text = _text(page.text)
    # 10 x 36.00 = 360.00; IVA 21 % 75.60; recargo 5.2 % 18.72; total 454.32
    assert "Price list for everyone" in text and "10.00 % off €40.00" in text
    assert "Unit price €36.00" in text and "Net amount €360.00" in text
    assert "VAT general 21 % (21.00 %) €75.60" in text and "Surcharge 5.2 % (5.20 %) €18.72" in text
    assert "Total €454.32" in text
    spanish = _text(client_as(make_user(locale="es")).get(
        f"/catalog/price-check?product={item}&quantity=1&date=2012-08-01&currency=EUR").text)
    assert "Precio de tarifa" in spanish and "(18.00 %)" in spanish and "47,20" in spanish  # 40 + 18 % IVA


def test_unreadable_input_is_shown_at_its_field(catalog_app, client_as):
    item, _position = _setup(catalog_app)
    page = client_as("admin").get(f"/catalog/price-check?product={item}&quantity=lots&currency=EUR")
    assert page.status_code == 422
    assert re.search(r'id="quantity-error">This value does not read: lots', page.text)
    page = client_as("admin").get(f"/catalog/price-check?product={item}&currency=USD&date=2026-01-01")
    assert page.status_code == 422 and 'id="currency-error">There is no exchange rate' in page.text
    page = client_as("admin").get(f"/catalog/price-check?product={item}&date=1999-01-01&currency=EUR")
    assert page.status_code == 422 and 'id="date-error">VAT general 21 % has no rate valid on 1999-01-01' in page.text


def test_no_price_check_without_catalog_permission(catalog_app, client_as, make_user):
    with catalog_app.app_context():
        s = session()
        s.add(roles.Role(name="outsider", label={"en": "Outsider"}, is_admin=False, builtin=False, position=9))
        s.commit()
    web = client_as(make_user(role="outsider"))
    assert web.get("/catalog/price-check").status_code == 403
    assert "Price check" not in web.get("/").text
    assert "Price check" in client_as("user").get("/").text
