"""Who sees the catalog, its pages in English and Spanish, its API calls, and the demo data."""
from __future__ import annotations

from sqlalchemy import select

from trato import records, roles, session
from trato_catalog import plugin

PRODUCT = {"code": "CONS-H", "name": "Consulting hour", "name_es": "Hora de consultoría",
           "list_price": {"amount": "85.00", "currency": "EUR"}}


def _outsider(make_user):
    """A user whose role has no permission on any catalog entity (made after the catalog was enabled)."""
    s = session()
    role = roles.Role(name="outsider", label={"en": "Outsider"}, is_admin=False, builtin=False, position=9)
    s.add(role)
    s.commit()
    return make_user(role="outsider")


def test_a_user_without_catalog_permission_sees_nothing(ctx, make_user, client_as, api_client_as):
    item = records.create("catalog_product", PRODUCT, user=None)
    outsider = _outsider(make_user)
    page = client_as(outsider).get("/r/catalog_product/")
    assert page.status_code == 403 and "Consulting hour" not in page.text
    assert client_as(outsider).get(f"/r/catalog_product/{item.id}").status_code in (403, 404)
    home = client_as(outsider).get("/")
    assert "Price lists" not in home.text and "Fiscal positions" not in home.text
    api = api_client_as(outsider)
    assert api.get("catalog_product").status_code == 403
    answer = api.get(f"catalog/price?product={item.id}&currency=EUR")
    assert answer.status_code in (403, 404) and "85" not in answer.text


def test_everyone_reads_the_catalog_and_only_administrators_change_it(ctx, client_as, api_client_as):
    records.create("catalog_product", PRODUCT, user=None)
    rep = client_as("user")
    assert "Consulting hour" in rep.get("/r/catalog_product/").text
    api = api_client_as("user")
    assert api.post("catalog_product", json={"code": "X", "name": "X"}).status_code == 403
    admin = api_client_as("admin")
    assert admin.post("catalog_product", json={"code": "X", "name": "X"}).status_code == 201


def test_pages_in_english_and_spanish(catalog_app, client_as, make_user):
    """(No app context held around the requests: Flask-Babel would keep its language in it.)"""
    with catalog_app.app_context():
        item = records.create("catalog_product", PRODUCT, user=None)
        iva = _tax_id("IVA21")
    admin, spanish_admin = client_as("admin"), client_as(make_user(admin=True, locale="es"))
    english = admin.get("/r/catalog_product/")
    assert english.status_code == 200 and "Products" in english.text and "List price" in english.text
    spanish = spanish_admin.get("/r/catalog_product/")
    assert "Productos" in spanish.text and "Precio de tarifa" in spanish.text
    detail = spanish_admin.get(f"/r/catalog_product/{item.id}")
    assert detail.status_code == 200 and "Nombre en español" in detail.text and "Hora de consultoría" in detail.text
    for entity, english_word, spanish_word in [("catalog_tax", "Taxes", "Impuestos"),
                                               ("catalog_fiscal_position", "Fiscal positions", "Posiciones fiscales"),
                                               ("catalog_price_list", "Price lists", "Tarifas")]:
        assert english_word in admin.get(f"/r/{entity}/").text
        assert spanish_word in spanish_admin.get(f"/r/{entity}/").text
        form = spanish_admin.get(f"/r/{entity}/new")
        assert form.status_code == 200
    tax_page = admin.get(f"/r/catalog_tax/{iva}").text
    assert "VAT general 21 %" in tax_page and "Aug 31, 2012" in tax_page and "Sep 1, 2012" in tax_page


def _tax_id(code):
    from trato_catalog.models import Tax

    return session().scalar(select(Tax.id).where(Tax.code == code))


def test_bad_input_over_the_api_is_a_422_naming_the_field(ctx, api_client_as):
    admin = api_client_as("admin")
    answer = admin.post("catalog_product", json={"code": "N", "name": "N",
                                                 "list_price": {"amount": "-3", "currency": "EUR"}})
    assert answer.status_code == 422 and answer.headers["Content-Type"].startswith("application/problem+json")
    assert "list_price" in answer.json["errors"]
    answer = admin.post("catalog_tax", json={"code": "T", "name": "T", "kind": "vat", "lines": [
        {"rate": "10", "valid_from": "2020-01-01"}, {"rate": "12", "valid_from": "2021-01-01"}]})
    assert answer.status_code == 422 and "lines/1/valid_from" in answer.json["errors"]
    item = admin.post("catalog_product", json=PRODUCT).json
    answer = admin.get(f"catalog/price?product={item['id']}&currency=USD")
    assert answer.status_code == 422 and "currency" in answer.json["errors"]
    answer = admin.get(f"catalog/price?product={item['id']}&currency=EUR&quantity=many")
    assert answer.status_code == 422 and "quantity" in answer.json["errors"]
    answer = admin.get(f"catalog/taxes?product={item['id']}")
    assert answer.status_code == 422 and "tax_category_id" in answer.json["errors"]


def test_the_price_and_taxes_calls(ctx, api_client_as):
    from trato_catalog.models import TaxCategory

    general = session().scalar(select(TaxCategory.id).where(TaxCategory.name == "General"))
    admin = api_client_as("admin")
    item = admin.post("catalog_product", json={**PRODUCT, "tax_category_id": general}).json
    answer = admin.get(f"catalog/price?product={item['id']}&currency=EUR&quantity=3&date=2026-05-01").json
    assert answer["amount"] == "85.00" and answer["rule"] == "list_price"
    answer = admin.get(f"catalog/taxes?product={item['id']}&date=2012-08-01").json
    assert answer["vat"]["rate"] == "18.00" and answer["surcharge"] is None
    answer = admin.get(f"catalog/taxes?tax_category={general}&date=2030-01-01").json
    assert answer["vat"]["rate"] == "21.00"
    answer = admin.get(f"catalog/taxes?product={item['id']}&date=1999-01-01")
    assert answer.status_code == 422 and "date" in answer.json["errors"]


def test_demo_data_in_spanish(make_app):
    app = make_app(plugins=["catalog"], extra_plugins={"catalog": plugin})
    with app.app_context():
        from trato.cli.misc import demo_cmd

        result = app.test_cli_runner().invoke(demo_cmd, ["--locale", "es"])
        assert result.exit_code == 0, result.output
        from datetime import date
        from decimal import Decimal

        from trato_catalog import price_for

        names = {p["code"]: p["name"] for p in records.query("catalog_product", user=None).page(limit=50).items}
        assert names["CONS-H"] == "Hora de consultoría"
        pack = records.query("catalog_product", user=None).where({"code": "START-PACK"}).page().items[0]
        assert price_for(pack.id, None, 1, date.today(), "EUR").amount == Decimal("1500.00")


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_a_products_images_are_its_attached_image_files(catalog_app, client_as, make_user):
    import io

    from trato import extras

    admin = make_user(admin=True)
    with catalog_app.app_context():
        item = records.create("catalog_product", PRODUCT, user=None)
        image = extras.attach("catalog_product", item.id, "cup.png", io.BytesIO(PNG), admin)
        extras.attach("catalog_product", item.id, "terms.txt", io.BytesIO(b"terms"), admin)
    page = client_as(admin).get(f"/r/catalog_product/{item.id}").text
    assert f'src="/r/catalog_product/{item.id}/files/{image.id}"' in page and 'alt="cup.png"' in page
    panel = page[page.index('class="row g-2"'):page.index("Images are the product's files")]
    assert "cup.png" in panel and "terms.txt" not in panel
    assert client_as(admin).get(f"/r/catalog_product/{item.id}/files/{image.id}").data == PNG
