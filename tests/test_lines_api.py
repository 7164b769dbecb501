"""Lines over the REST API: nested on the parent, listed on their own (read only), described in OpenAPI."""
from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from trato_ledger import plugin as ledger_plugin

LINE = "ledger_order_line"


@pytest.fixture
def ledger_app(make_app):
    return make_app(plugins=["ledger"], extra_plugins={"ledger": ledger_plugin})


@pytest.fixture
def api(ledger_app, api_client_as):
    return api_client_as("user", app=ledger_app)


def eur(amount: str) -> dict:
    return {"amount": amount, "currency": "EUR"}


def test_post_get_and_patch_carry_the_lines_as_a_nested_array(api):
    made = api.post("ledger_order", json={"name": "A-1", "lines": [
        {"description": "Chairs", "quantity": "3", "unit_price": eur("10.00"), "discount": "10"},
        {"description": "Table", "quantity": "1", "unit_price": eur("100.00")}]})
    assert made.status_code == 201, made.json
    assert made.json["total"] == eur("127.00")
    assert [(line["description"], line["position"], line["total"]) for line in made.json["lines"]] == [
        ("Chairs", 1, eur("27.00")), ("Table", 2, eur("100.00"))]
    read = api.get(f"ledger_order/{made.json['id']}")
    assert read.json["lines"] == made.json["lines"]
    chairs, table = read.json["lines"]
    changed = api.patch(f"ledger_order/{made.json['id']}", headers={"If-Match": read.headers["ETag"]},
                        json={"lines": [table, {**chairs, "quantity": "1"}]})
    assert changed.status_code == 200, changed.json
    assert changed.json["version"] == read.json["version"] + 1
    assert [(line["description"], line["position"], line["total"]) for line in changed.json["lines"]] == [
        ("Table", 1, eur("100.00")), ("Chairs", 2, eur("9.00"))]
    assert changed.json["total"] == eur("109.00")


def test_a_bad_line_is_a_422_naming_the_line_and_the_field_and_nothing_is_written(api):
    bad = api.post("ledger_order", json={"name": "A-1", "lines": [{"quantity": "1"}, {"quantity": "many"}]})
    assert bad.status_code == 422
    assert bad.json["errors"] == {"lines/1/quantity": ["Enter a number, such as 1234.56."]}
    assert api.get("ledger_order").json["data"] == []
    assert api.get(LINE).json["data"] == []


def test_a_stale_edit_is_a_412_and_changes_nothing(api):
    made = api.post("ledger_order", json={"name": "A-1", "lines": [{"quantity": "1"}]}).json
    line = made["lines"][0]
    assert api.patch(f"ledger_order/{made['id']}", headers={"If-Match": f'"{made["version"]}"'},
                     json={"name": "A-2"}).status_code == 200
    stale = api.patch(f"ledger_order/{made['id']}", headers={"If-Match": f'"{made["version"]}"'},
                      json={"lines": [{"id": line["id"], "quantity": "5"}]})
    assert stale.status_code == 412
    assert api.get(f"ledger_order/{made['id']}").json["lines"][0]["quantity"] == "1.000"


def test_a_line_of_another_order_is_refused(api):
    first = api.post("ledger_order", json={"name": "A-1", "lines": [{"quantity": "1"}]}).json
    other = api.post("ledger_order", json={"name": "B-1", "lines": [{"quantity": "2"}]}).json
    taken = api.patch(f"ledger_order/{first['id']}", headers={"If-Match": f'"{first["version"]}"'},
                      json={"lines": [{"id": other["lines"][0]["id"], "quantity": "9"}]})
    assert taken.status_code == 422
    assert taken.json["errors"] == {"lines/0/id": [f"Line {other['lines'][0]['id']} is not a line of this record."]}
    assert api.get(f"ledger_order/{other['id']}").json["lines"][0]["quantity"] == "2.000"


def test_lines_list_on_their_own_within_their_parents_scope_and_are_read_only_there(ledger_app, api,
                                                                                      api_client_as):
    mine = api.post("ledger_order", json={"name": "A-1", "lines": [{"description": "mine", "quantity": "1"}]}).json
    other = api_client_as("user", app=ledger_app)
    other.post("ledger_order", json={"name": "B-1", "lines": [{"description": "theirs", "quantity": "1"}]})
    listed = api.get(LINE)
    assert [line["description"] for line in listed.json["data"]] == ["mine"]
    assert listed.json["data"][0]["parent_id"] == mine["id"]
    assert api.get(f"{LINE}?parent_id={mine['id']}").json["meta"]["count"] == 1
    refused = api.post(LINE, json={"parent_id": mine["id"], "quantity": "1"})
    assert refused.status_code == 403 and "without its parent" in refused.json["detail"]
    line_id = mine["lines"][0]["id"]
    assert api.patch(f"{LINE}/{line_id}", headers={"If-Match": '"1"'}, json={"quantity": "4"}).status_code == 403
    assert api.delete(f"{LINE}/{line_id}").status_code == 403
    assert other.get(f"{LINE}/{line_id}").status_code == 404


def test_lines_on_an_entity_without_them_are_refused(api):
    refused = api.post("ledger_product", json={"name": "Chair", "lines": [{"quantity": "1"}]})
    assert refused.status_code == 422 and refused.json["errors"] == {"lines": ["Products have no lines."]}


def test_the_openapi_document_describes_the_nested_lines(api):
    document = api.get("openapi.json").json
    validate(document)
    schemas = document["components"]["schemas"]
    assert schemas["ledger_order.read"]["properties"]["lines"] == {
        "type": "array", "items": {"$ref": f"#/components/schemas/{LINE}.read"}}
    item = schemas["ledger_order.create"]["properties"]["lines"]["items"]
    assert {"id", "version", "quantity", "unit_price"} <= set(item["properties"]) and "total" not in item["properties"]
    assert "lines" not in schemas["ledger_product.read"]["properties"]
    assert set(document["paths"][f"/api/v1/{LINE}"]) == {"get"}
    assert set(document["paths"][f"/api/v1/{LINE}/{{record_id}}"]) == {"get"}
    assert f"/api/v1/{LINE}/{{record_id}}/restore" not in document["paths"]
