"""Bad input on the generic forms: a 422 with the message at the field (and the line), nothing written."""
from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from trato import records

RATE, PART = "catalog_tax_rate", "catalog_bundle_item"


def _rows(child, rows, **values):
    out = [*values.items(), (f"lines.{child}.shown", "1")]
    for token, fields in rows:
        out.append((f"lines.{child}", token))
        out += [(f"lines.{child}.{token}.{name}", value) for name, value in fields.items()]
    return MultiDict(out)


def test_a_negative_price_is_refused_at_its_input(catalog_app, client_as):
    web = client_as("admin")
    refused = web.post("/r/catalog_product/new", data=MultiDict({
        "code": "NEG", "name": "Negative", "kind": "product", "unit": "unit", "active": "y",
        "list_price": "-5", "list_price_currency": "EUR"}))
    assert refused.status_code == 422
    assert re.search(r'id="list_price-error">A price cannot be negative', refused.text)
    with catalog_app.app_context():
        assert records.query("catalog_product", user=None).count().value == 0


def test_overlapping_rates_are_refused_at_the_line(catalog_app, client_as):
    web = client_as("admin")
    posted = _rows(RATE, [("na", {"rate": "10", "valid_from": "2020-01-01"}),
                          ("nb", {"rate": "12", "valid_from": "2021-01-01"})], code="T1", name="Test", kind="vat")
    refused = web.post("/r/catalog_tax/new", data=posted)
    assert refused.status_code == 422
    assert re.search(rf'id="lines\.{RATE}\.nb\.valid_from-error">These dates overlap the rate valid from 2020-01-01',
                     refused.text)
    posted = _rows(RATE, [("na", {"rate": "10", "valid_from": "2020-01-01", "valid_to": "2020-12-31"}),
                          ("nb", {"rate": "12", "valid_from": "2021-01-01"})], code="T1", name="Test", kind="vat")
    assert web.post("/r/catalog_tax/new", data=posted).status_code == 302


def test_a_bundle_containing_itself_is_refused_at_the_line_in_spanish(catalog_app, client_as, make_user):
    with catalog_app.app_context():
        item = records.create("catalog_product", {"code": "SELF", "name": "Self"}, user=None)
    web = client_as(make_user(admin=True, locale="es"))
    posted = _rows(PART, [("na", {"component_id": str(item.id), "quantity": "1"})], code="SELF", name="Self",
                   kind="product", unit="unit", active="y", bundle_pricing="sum", version=str(item.version))
    refused = web.post(f"/r/catalog_product/{item.id}/edit", data=posted)
    assert refused.status_code == 422
    assert re.search(rf'id="lines\.{PART}\.na\.component_id-error">Un lote no puede contenerse a sí mismo',
                     refused.text)
