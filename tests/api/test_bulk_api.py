"""Bulk create and update over the API: all or nothing, with each refusal naming the row and the field."""
from __future__ import annotations

from sqlalchemy import func, select

from trato import records


def _count(app, entity: str) -> int:
    with app.app_context():
        e = app.extensions["trato"].entities.get(entity)
        with app.extensions["trato"].sessionmaker() as session:
            return int(session.scalar(select(func.count()).select_from(e.table)))


def test_bulk_create_makes_every_record_in_one_call(api, ana, trade_app):
    made = api.post("trade_deal/bulk", json={"records": [
        {"name": "One", "stage": "won", "amount": {"amount": "10.005", "currency": "EUR"}},
        {"name": "Two", "tags": ["big"]},
    ]})
    assert made.status_code == 201
    data = made.json["data"]
    assert [(d["name"], d["stage"], d["version"], d["owner_id"]) for d in data] == [
        ("One", "won", 1, ana.id), ("Two", "new", 1, ana.id)]
    assert data[0]["amount"] == {"amount": "10.01", "currency": "EUR"} and data[0]["probability"] == "100.00"
    with trade_app.app_context():
        assert records.get("trade_deal", data[1]["id"], user=None)["tags"] == ["big"]


def test_one_bad_row_writes_nothing_and_names_the_row_and_field(api, trade_app):
    refused = api.post("trade_deal/bulk", json={"records": [
        {"name": "Fine"}, {"name": "Bad stage", "stage": "maybe"}, {"stage": "won"}, {"name": "Also fine"}]})
    assert refused.status_code == 422
    assert refused.content_type == "application/problem+json"
    errors = refused.json["errors"]
    assert set(errors) == {"records.1.stage", "records.2.name"}
    assert errors["records.2.name"] and errors["records.1.stage"]
    assert _count(trade_app, "trade_deal") == 0

    not_objects = api.post("trade_deal/bulk", json={"records": [{"name": "Fine"}, "Acme"]})
    assert not_objects.status_code == 422 and list(not_objects.json["errors"]) == ["records.1._record"]
    shape = api.post("trade_deal/bulk", json=[{"name": "Fine"}])
    assert shape.status_code == 422 and list(shape.json["errors"]) == ["records"]
    empty = api.post("trade_deal/bulk", json={"records": []})
    assert empty.status_code == 422
    assert _count(trade_app, "trade_deal") == 0


def test_a_batch_beyond_the_limit_is_refused_whole(api, trade_app):
    refused = api.post("trade_account/bulk", json={"records": [{"name": f"A{i}"} for i in range(501)]})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["records"]
    assert "at most 500" in refused.json["detail"] and "501" in refused.json["detail"]
    assert _count(trade_app, "trade_account") == 0
    assert api.post("trade_account/bulk", json={"records": [{"name": f"A{i}"} for i in range(500)]}).status_code == 201
    assert _count(trade_app, "trade_account") == 500


def test_bulk_create_honours_the_idempotency_key(api, trade_app):
    key = {"Idempotency-Key": "batch-1"}
    first = api.post("trade_account/bulk", json={"records": [{"name": "Acme"}, {"name": "Bolt"}]}, headers=key)
    again = api.post("trade_account/bulk", json={"records": [{"name": "Bolt"}, {"name": "Acme"}][::-1]}, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    assert _count(trade_app, "trade_account") == 2
    other = api.post("trade_account/bulk", json={"records": [{"name": "Cima"}]}, headers=key)
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"]
    assert _count(trade_app, "trade_account") == 2


def test_bulk_update_changes_every_record_at_the_version_read(api, ana, make_record, trade_app):
    acme = make_record("trade_account", owner=ana, name="Acme", city="Madrid")
    bolt = make_record("trade_account", owner=ana, name="Bolt")
    changed = api.patch("trade_account/bulk", json={"records": [
        {"id": acme.id, "version": 1, "values": {"city": "Lima"}},
        {"id": bolt.id, "version": 1, "values": {"employees": 12, "vip": True}},
    ]})
    assert changed.status_code == 200
    assert [(d["id"], d["version"], d["city"], d["employees"]) for d in changed.json["data"]] == [
        (acme.id, 2, "Lima", None), (bolt.id, 2, None, 12)]


def test_a_stale_version_in_a_bulk_update_writes_nothing(api, ana, make_record, trade_app):
    acme = make_record("trade_account", owner=ana, name="Acme")
    bolt = make_record("trade_account", owner=ana, name="Bolt")
    with trade_app.app_context():
        records.update("trade_account", bolt.id, {"city": "Quito"}, user=None, version=1)

    stale = api.patch("trade_account/bulk", json={"records": [
        {"id": acme.id, "version": 1, "values": {"city": "Lima"}},
        {"id": bolt.id, "version": 1, "values": {"city": "Lima"}},
    ]})
    assert stale.status_code == 409
    assert stale.content_type == "application/problem+json"
    assert list(stale.json["errors"]) == ["records.1.version"] and "version 2" in stale.json["detail"]
    with trade_app.app_context():
        assert records.get("trade_account", acme.id, user=None)["city"] is None
        assert records.get("trade_account", bolt.id, user=None)["city"] == "Quito"


def test_bulk_update_names_bad_rows_and_fields(api, ana, bruno, make_record, trade_app):
    acme = make_record("trade_account", owner=ana, name="Acme")
    bolt = make_record("trade_account", owner=ana, name="Bolt")
    bad_value = api.patch("trade_account/bulk", json={"records": [
        {"id": acme.id, "version": 1, "values": {"city": "Lima"}},
        {"id": bolt.id, "version": 1, "values": {"employees": "many", "colour": "red"}},
    ]})
    assert bad_value.status_code == 422
    assert set(bad_value.json["errors"]) == {"records.1.values.employees", "records.1.values.colour"}

    shape = api.patch("trade_account/bulk", json={"records": [
        {"id": acme.id, "version": 1, "values": {}}, {"id": "1", "version": 1, "values": [], "extra": 1},
        {"id": acme.id, "version": 1, "values": {}}, {"id": bolt.id, "values": {}}]})
    assert shape.status_code == 422
    assert set(shape.json["errors"]) == {"records.1.id", "records.1.values", "records.1.extra", "records.2.id",
                                         "records.3.version"}
    assert shape.json["errors"]["records.2.id"] == ["Row 0 already changes this record."]
    missing = api.patch("trade_account/bulk", json={"records": [
        {"id": acme.id, "version": 1, "values": {}}, {"id": 999999, "version": 1, "values": {}}]})
    assert missing.status_code == 404 and list(missing.json["errors"]) == ["records.1.id"]
    with trade_app.app_context():
        assert records.get("trade_account", acme.id, user=None)["city"] is None


def test_the_document_describes_the_bulk_calls(api):
    paths = api.get("openapi.json").json["paths"]
    bulk = paths["/api/v1/trade_deal/bulk"]
    body = bulk["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["records"]
    assert body["maxItems"] == 500 and body["items"] == {"$ref": "#/components/schemas/trade_deal.create"}
    change = bulk["patch"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["records"]["items"]
    assert change["required"] == ["id", "version", "values"]
    assert change["properties"]["values"] == {"$ref": "#/components/schemas/trade_deal.update"}
    assert "422" in bulk["post"]["responses"] and "409" in bulk["patch"]["responses"]
    assert any(p["name"] == "Idempotency-Key" for p in bulk["post"]["parameters"])
