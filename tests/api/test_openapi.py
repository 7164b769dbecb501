"""The OpenAPI 3.1 document: valid, complete, and following custom fields and entities as they appear."""
from __future__ import annotations

import json

from openapi_spec_validator import validate
from sqlalchemy import select

from trato.roles.admin import set_field_rules
from trato.roles.models import Role
from trato.schema import EntitySpec, FieldSpec, add_field, create_entity


def test_the_document_is_valid_openapi_3_1_and_describes_every_entity(api):
    response = api.get("openapi.json")
    assert response.status_code == 200
    doc = response.json
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "A personal API token: trato_..."}
    assert doc["security"] == [{"bearer": []}]
    assert {"/api/v1/trade_deal", "/api/v1/trade_deal/{record_id}", "/api/v1/trade_account"} <= set(doc["paths"])
    schemas = doc["components"]["schemas"]
    deal = schemas["trade_deal.read"]["properties"]
    assert deal["amount"]["properties"]["amount"] == {"type": ["string", "number"], "format": "decimal"}
    assert deal["id"]["readOnly"] is True and "id" not in schemas["trade_deal.create"]["properties"]
    assert schemas["trade_deal.create"]["required"] == ["name"]
    assert "required" not in schemas["trade_deal.update"]
    assert deal["stage"]["enum"] == ["new", "won", "lost"]


def test_every_status_the_api_returns_is_declared(api):
    paths = api.get("openapi.json").json["paths"]
    statuses = {method: set(op["responses"]) for method, op in paths["/api/v1/trade_deal/{record_id}"].items()}
    statuses |= {f"list {m}": set(op["responses"]) for m, op in paths["/api/v1/trade_deal"].items()}
    assert statuses == {
        "get": {"200", "401", "403", "404", "429", "503"},
        "patch": {"200", "400", "401", "403", "404", "409", "412", "415", "422", "428", "429", "503", "507"},
        "delete": {"204", "401", "403", "404", "409", "412", "422", "429", "503", "507"},
        "list get": {"200", "400", "401", "403", "404", "429", "503"},
        "list post": {"201", "400", "401", "403", "404", "409", "415", "422", "429", "503", "507"},
    }
    patch = paths["/api/v1/trade_deal/{record_id}"]["patch"]
    assert {"name": "If-Match", "in": "header", "required": True}.items() <= \
        next(p for p in patch["parameters"] if p["name"] == "If-Match").items()
    problem = patch["responses"]["412"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}


def test_every_operation_declares_the_faults_of_the_server(api):
    """A database, Redis or disk fault can meet any call (trato.faults): 503 with Retry-After everywhere, 507
    wherever something is written."""
    paths = api.get("openapi.json").json["paths"]
    operations = [(path, method, op) for path, ops in paths.items() for method, op in ops.items()]
    assert len(operations) > 20 and any("/meta/" in path for path, _m, _o in operations)
    for path, method, op in operations:
        unavailable = op["responses"]["503"]
        assert "Retry-After" in unavailable["headers"], path
        assert unavailable["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert ("507" in op["responses"]) == (method != "get"), (path, method)


def test_the_actions_plugins_add_are_listed(api):
    doc = api.get("openapi.json").json
    validate(doc)
    close = doc["paths"]["/api/v1/trade_deal/{record_id}/close"]
    assert set(close) == {"post"}
    post = close["post"]
    assert post["summary"] == "Close the deal as won or lost" and post["tags"] == ["trade_deal"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["properties"]["outcome"] == {
        "enum": ["won", "lost"]}
    assert {p["name"] for p in post["parameters"]} == {"record_id", "Idempotency-Key"}
    assert {"200", "404", "412", "422", "429", "503", "507"} <= set(post["responses"])
    summary = doc["paths"]["/api/v1/trade_deal/{record_id}/summary"]["get"]  # one that says nothing of itself
    assert summary["summary"] == "The summary action" and "requestBody" not in summary
    assert summary["responses"]["200"]["content"]["application/json"]["schema"] == {"type": "object"}
    assert "/api/v1/trade_account/{record_id}/close" not in doc["paths"]


def test_the_document_needs_a_token(trade_app):
    assert trade_app.test_client().get("/api/v1/openapi.json").status_code == 401


def test_custom_fields_and_entities_appear_as_soon_as_they_exist(api, trade_app):
    before = api.get("openapi.json").json
    assert "cf_region" not in before["components"]["schemas"]["trade_account.read"]["properties"]
    with trade_app.app_context():
        add_field("trade_account", FieldSpec("region", "select", {"en": "Region", "es": "Región"}, filterable=True,
                                             options=[{"value": "north", "label": {"en": "North", "es": "Norte"}}]))
        create_entity(EntitySpec("vehicle", {"en": "Vehicle", "es": "Vehículo"}, {"en": "Vehicles", "es": "Vehículos"},
                                 [FieldSpec("plate", "text", {"en": "Plate", "es": "Matrícula"}, required=True)]))

    doc = api.get("openapi.json").json
    validate(doc)
    schemas = doc["components"]["schemas"]
    assert schemas["trade_account.read"]["properties"]["cf_region"]["enum"] == ["north", None]
    assert schemas["trade_account.create"]["properties"]["cf_region"]["title"] == "Region"
    filters = next(p for p in doc["paths"]["/api/v1/trade_account"]["get"]["parameters"] if p["name"] == "filters")
    assert {"cf_region", "cf_region__in"} <= set(filters["schema"]["properties"])
    assert schemas["x_vehicle.create"]["required"] == ["plate"]
    assert "/api/v1/x_vehicle/{record_id}" in doc["paths"]

    made = api.post("x_vehicle", json={"plate": "1234 ABC"})
    assert made.status_code == 201 and made.json["plate"] == "1234 ABC"
    account = api.post("trade_account", json={"name": "Acme", "cf_region": "north"}).json
    assert account["cf_region"] == "north"
    assert [a["name"] for a in api.get("trade_account?cf_region=north").json["data"]] == ["Acme"]


def test_a_reader_sees_no_field_their_role_hides_and_read_only_ones_marked(api, api_as, trade_app, make_user):
    with trade_app.app_context():
        add_field("trade_deal", FieldSpec("secret_margin", "decimal", {"en": "Secret margin", "es": "Margen secreto"},
                                          filterable=True))
    with trade_app.app_context(), trade_app.extensions["trato"].sessionmaker() as session:
        rep = session.scalar(select(Role).where(Role.name == "sales_rep"))
        set_field_rules(session, rep, "trade_deal", {"cf_secret_margin": "hidden", "probability": "readonly"})
        session.commit()
    admin = api_as(make_user(admin=True, app=trade_app)).get("openapi.json").json
    assert "cf_secret_margin" in admin["components"]["schemas"]["trade_deal.create"]["properties"]

    doc = api.get("openapi.json").json  # Ana holds the sales_rep role
    validate(doc)
    text = json.dumps(doc, ensure_ascii=False)
    assert "secret_margin" not in text and "Secret margin" not in text
    schemas = doc["components"]["schemas"]
    for kind in ("read", "create", "update"):
        assert schemas[f"trade_deal.{kind}"]["properties"]["probability"]["readOnly"] is True
        assert "readOnly" not in schemas[f"trade_deal.{kind}"]["properties"]["stage"]
    assert "readOnly" not in admin["components"]["schemas"]["trade_deal.update"]["properties"]["probability"]
    spanish = api.get("openapi.json", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "secret_margin" not in spanish and "Margen secreto" not in spanish
