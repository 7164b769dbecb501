"""The meta API: custom entities and fields defined over HTTP, checked by the schema service, admins only."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import inspect
from trato_trade import plugin as trade_plugin

from trato import records, tokens

from .conftest import token_for

PLATE = {"name": "plate", "type": "text", "label": {"en": "Plate", "es": "Matrícula"}, "required": True}
VEHICLE = {"name": "vehicle", "label": {"en": "Vehicle", "es": "Vehículo"},
           "plural": {"en": "Vehicles", "es": "Vehículos"},
           "fields": [PLATE,
                      {"name": "fuel", "type": "select", "label": {"en": "Fuel"},
                       "options": [{"value": "diesel", "label": {"en": "Diesel", "es": "Gasóleo"}},
                                   {"value": "electric", "label": {"en": "Electric", "es": "Eléctrico"}}]},
                      {"name": "account", "type": "relation", "label": {"en": "Account", "es": "Cuenta"},
                       "settings": {"target": "trade_account"}}]}


@pytest.fixture
def admin(api_as, make_user, trade_app):
    return api_as(make_user(name="Ada Admin", admin=True, app=trade_app))


def _tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(app.extensions["trato"].engine).get_table_names())


def _columns(app, table: str) -> set[str]:
    with app.app_context():
        return {c["name"] for c in inspect(app.extensions["trato"].engine).get_columns(table)}


def test_the_list_describes_built_in_and_custom_entities_with_their_fields(admin):
    assert admin.post("meta/entities", json=VEHICLE).status_code == 201
    listed = admin.get("meta/entities")
    assert listed.status_code == 200
    entities = {e["name"]: e for e in listed.json["data"]}
    assert {"trade_account", "trade_deal", "x_vehicle"} <= set(entities)

    deal = entities["trade_deal"]
    assert deal["custom"] is False and deal["plugin"] == "trade"
    stage = next(f for f in deal["fields"] if f["name"] == "stage")
    assert stage["type"] == "select" and stage["required"] is True and stage["custom"] is False
    assert next(f for f in deal["fields"] if f["name"] == "name")["label"] == {"en": "Name", "es": "Nombre"}
    assert [o["value"] for o in stage["options"]] == ["new", "won", "lost"]
    assert stage["default"] == "new" and stage["filterable"] is True
    assert next(f for f in deal["fields"] if f["name"] == "id")["system"] is True

    vehicle = admin.get("meta/entities/x_vehicle").json
    assert vehicle == entities["x_vehicle"]
    assert vehicle["custom"] is True and vehicle["plugin"] is None
    assert vehicle["label"] == {"en": "Vehicle", "es": "Vehículo"}
    assert vehicle["title_field"] == "plate" and vehicle["search_fields"] == ["plate"]
    custom = [f for f in vehicle["fields"] if not f["system"]]
    assert [(f["name"], f["type"], f["required"], f["custom"]) for f in custom] == [
        ("plate", "text", True, True), ("fuel", "select", False, True), ("account", "relation", False, True)]
    assert custom[1]["options"][1] == {"value": "electric", "label": {"en": "Electric", "es": "Eléctrico"}}
    assert custom[2]["settings"] == {"target": "trade_account"}


def test_a_custom_entity_made_here_takes_records_and_is_in_the_document_at_once(admin, trade_app, make_record):
    made = admin.post("meta/entities", json=VEHICLE)
    assert made.status_code == 201
    assert made.headers["Location"] == "/api/v1/meta/entities/x_vehicle"
    assert "x_vehicle" in _tables(trade_app)

    doc = admin.get("openapi.json").json
    assert "/api/v1/x_vehicle" in doc["paths"]
    assert doc["components"]["schemas"]["x_vehicle.create"]["required"] == ["plate"]

    account = make_record("trade_account", name="Acme")
    car = admin.post("x_vehicle", json={"plate": "1234 ABC", "fuel": "electric", "account": account.id})
    assert car.status_code == 201 and car.json["fuel"] == "electric" and car.json["account"] == account.id
    bad = admin.post("x_vehicle", json={"plate": "5678 XYZ", "fuel": "coal"})
    assert bad.status_code == 422 and "fuel" in bad.json["errors"]


def test_a_field_added_to_a_built_in_entity_is_a_cf_column_and_in_the_document_at_once(admin, api, trade_app):
    before = api.get("openapi.json").json
    assert "cf_region" not in before["components"]["schemas"]["trade_account.read"]["properties"]

    added = admin.post("meta/entities/trade_account/fields", json={
        "name": "region", "type": "select", "label": {"en": "Region", "es": "Región"}, "filterable": True,
        "options": [{"value": "north", "label": {"en": "North", "es": "Norte"}}]})
    assert added.status_code == 201
    assert added.headers["Location"] == "/api/v1/meta/entities/trade_account/fields/cf_region"
    assert added.json["name"] == "cf_region" and added.json["custom"] is True and added.json["filterable"] is True
    assert "cf_region" in _columns(trade_app, "trade_account")

    doc = api.get("openapi.json").json  # another user's token, the same process: no restart, no wait
    assert doc["components"]["schemas"]["trade_account.read"]["properties"]["cf_region"]["enum"] == ["north", None]
    assert api.post("trade_account", json={"name": "Acme", "cf_region": "north"}).status_code == 201
    assert [a["name"] for a in api.get("trade_account?cf_region=north").json["data"]] == ["Acme"]


def test_another_worker_sees_a_field_added_here_on_its_next_request(admin, make_app, trade_app):
    """A second app on the same database stands for another server process."""
    other = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})
    bearer = {"Authorization": f"Bearer {admin.token}"}
    before = other.test_client().get("/api/v1/openapi.json", headers=bearer).json
    assert "cf_plate" not in before["components"]["schemas"]["trade_account.read"]["properties"]

    assert admin.post("meta/entities/trade_account/fields", json=PLATE).status_code == 201

    client = other.test_client()
    after = client.get("/api/v1/openapi.json", headers=bearer).json
    assert "cf_plate" in after["components"]["schemas"]["trade_account.create"]["required"]
    described = client.get("/api/v1/meta/entities/trade_account/fields/cf_plate", headers=bearer)
    assert described.status_code == 200 and described.json["label"] == {"en": "Plate", "es": "Matrícula"}


@pytest.mark.parametrize(("name", "message"), [
    ("select", "reserved"),
    ("name; DROP TABLE trade_account", "lower-case letters"),
    ('x" text); --', "lower-case letters"),
    ("Region", "lower-case letters"),
    ("id", "reserved"),
])
def test_a_bad_field_name_is_refused_naming_the_field_and_nothing_is_built(admin, trade_app, name, message):
    columns = _columns(trade_app, "trade_account")
    refused = admin.post("meta/entities/trade_account/fields",
                         json={"name": name, "type": "text", "label": {"en": "Whatever"}})
    assert refused.status_code == 422
    assert refused.content_type == "application/problem+json"
    assert list(refused.json["errors"]) == ["name"] and message in refused.json["errors"]["name"][0]
    assert _columns(trade_app, "trade_account") == columns


def test_a_duplicate_field_is_refused(admin, trade_app):
    field = {"name": "region", "type": "text", "label": {"en": "Region"}}
    assert admin.post("meta/entities/trade_account/fields", json=field).status_code == 201
    again = admin.post("meta/entities/trade_account/fields", json=field)
    assert again.status_code == 422 and "already has a field" in again.json["errors"]["name"][0]

    twice = admin.post("meta/entities", json=VEHICLE | {"name": "boat", "fields": [PLATE, PLATE]})
    assert twice.status_code == 422 and "Two fields are called 'plate'" in twice.json["errors"]["fields"][0]
    assert "x_boat" not in _tables(trade_app)


def test_a_bad_entity_is_refused_naming_the_field_in_its_list(admin, trade_app):
    bad_field = admin.post("meta/entities", json=VEHICLE | {"fields": [PLATE, {"name": "from", "type": "text",
                                                                                "label": {"en": "From"}}]})
    assert bad_field.status_code == 422 and "reserved" in bad_field.json["errors"]["fields.1.name"][0]
    bad_type = admin.post("meta/entities", json=VEHICLE | {"fields": [PLATE | {"type": "hologram"}]})
    assert bad_type.status_code == 422 and list(bad_type.json["errors"]) == ["fields.0.type"]
    shape = admin.post("meta/entities", json=VEHICLE | {"colour": "red", "label": "Vehicle"})
    assert shape.status_code == 422
    assert set(shape.json["errors"]) == {"colour", "label"}
    sql = admin.post("meta/entities", json=VEHICLE | {"name": "vehicle;drop table core_user"})
    assert sql.status_code == 422 and "name" in sql.json["errors"]
    assert not {t for t in _tables(trade_app) if t.startswith("x_")}
    assert admin.get("meta/entities/x_vehicle").status_code == 404


def test_only_administrators_may_read_or_change_the_schema(api, api_as, make_user, trade_app):
    for call in (api.get("meta/entities"), api.get("meta/entities/trade_account"),
                 api.post("meta/entities", json=VEHICLE),
                 api.post("meta/entities/trade_account/fields", json=PLATE)):
        assert call.status_code == 403
        assert call.content_type == "application/problem+json"
        assert call.json["errors"] == {"Authorization": ["The token's user is not an administrator."]}
    assert "x_vehicle" not in _tables(trade_app)

    read_only = api_as(make_user(admin=True, app=trade_app), tokens.READ)
    assert read_only.get("meta/entities").status_code == 200
    refused = read_only.post("meta/entities", json=VEHICLE)
    assert refused.status_code == 403 and "Authorization" in refused.json["errors"]
    assert "x_vehicle" not in _tables(trade_app)


def test_changing_a_field_labels_rules_and_type(admin, make_record, trade_app):
    admin.post("meta/entities", json=VEHICLE | {"fields": [PLATE, {"name": "seats", "type": "integer",
                                                                   "label": {"en": "Seats"}}]})
    make_record("x_vehicle", plate="1234 ABC")

    relabelled = admin.patch("meta/entities/x_vehicle/fields/seats",
                             json={"label": {"en": "Seat count", "es": "Plazas"}, "help": {"en": "With the driver"}})
    assert relabelled.status_code == 200
    assert relabelled.json["label"] == {"en": "Seat count", "es": "Plazas"}
    assert relabelled.json["help"] == {"en": "With the driver"}

    required = admin.patch("meta/entities/x_vehicle/fields/seats", json={"required": True})
    assert required.status_code == 422
    assert "1 records have this field empty" in required.json["errors"]["required"][0]

    widened = admin.patch("meta/entities/x_vehicle/fields/seats", json={"type": "decimal", "settings": {"scale": 1}})
    assert widened.status_code == 200 and widened.json["type"] == "decimal"
    narrowed = admin.patch("meta/entities/x_vehicle/fields/seats", json={"type": "integer"})
    assert narrowed.status_code == 422 and narrowed.json["errors"]["type"][0].startswith(
        "A field of type decimal cannot become integer: whole numbers would lose the digits after the point.")
    mixed = admin.patch("meta/entities/x_vehicle/fields/plate", json={"type": "long_text", "required": False})
    assert mixed.status_code == 422 and "type" in mixed.json["errors"]
    same_type = admin.patch("meta/entities/x_vehicle/fields/plate", json={"type": "text", "position": 5})
    assert same_type.status_code == 200 and same_type.json["position"] == 5

    builtin = admin.patch("meta/entities/trade_account/fields/city", json={"label": {"en": "Town"}})
    assert builtin.status_code == 422 and "built-in field" in builtin.json["errors"]["name"][0]
    assert admin.patch("meta/entities/trade_account/fields/nope", json={}).status_code == 404
    assert admin.patch("meta/entities/x_nope/fields/plate", json={}).status_code == 404


REGIONS = [{"value": "north", "label": {"en": "North", "es": "Norte"}},
           {"value": "south", "label": {"en": "South", "es": "Sur"}}]


def test_a_text_field_becomes_a_select_after_a_dry_run_of_the_mapping(admin, api, trade_app):
    admin.post("meta/entities/trade_account/fields", json={"name": "region", "type": "text", "label": {"en": "R"}})
    for name, region in [("A", "North"), ("B", "north"), ("C", "Sur"), ("D", "?"), ("E", "?")]:
        assert api.post("trade_account", json={"name": name, "cf_region": region}).status_code == 201
    preview = "meta/entities/trade_account/fields/cf_region/type-preview"

    proposal = admin.post(preview, json={"type": "select"})
    assert proposal.status_code == 200
    assert {k: proposal.json[k] for k in ("field", "from", "to", "records", "emptied", "refusal")} == {
        "field": "cf_region", "from": "text", "to": "select", "records": 5, "emptied": 0, "refusal": None}
    assert [(o["value"], o["label"]) for o in proposal.json["options"]] == [
        ("option", {"en": "?"}), ("north", {"en": "North"}), ("sur", {"en": "Sur"})]
    assert [(v["value"], v["records"], v["option"]) for v in proposal.json["values"]] == [
        ("?", 2, "option"), ("North", 1, "north"), ("Sur", 1, "sur"), ("north", 1, "north")]

    change = {"type": "select", "options": REGIONS, "mapping": {"Sur": "south"}}
    unmapped = admin.post(preview, json=change).json
    assert unmapped["refusal"] == "Values with no option yet (1): '?'. Map each to an option or to empty."
    assert unmapped["refusal_field"] == "mapping"
    refused = admin.patch("meta/entities/trade_account/fields/cf_region", json=change)
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
    assert refused.json["errors"] == {"mapping": [unmapped["refusal"]]}
    assert admin.get("meta/entities/trade_account/fields/cf_region").json["type"] == "text"

    change["mapping"]["?"] = None
    dry = admin.post(preview, json=change).json
    assert (dry["records"], dry["converted"], dry["emptied"], dry["refusal"]) == (5, 3, 2, None)
    assert api.get("trade_account?cf_region=Sur").json["data"][0]["name"] == "C"  # the dry run changed nothing
    made = admin.patch("meta/entities/trade_account/fields/cf_region", json=change)
    assert made.status_code == 200 and made.json["type"] == "select" and made.json["options"] == REGIONS
    assert {r["name"]: r["cf_region"] for r in api.get("trade_account").json["data"]} == {
        "A": "north", "B": "north", "C": "south", "D": None, "E": None}
    doc = api.get("openapi.json").json
    assert doc["components"]["schemas"]["trade_account.read"]["properties"]["cf_region"]["enum"] == [
        "north", "south", None]


def test_text_becomes_a_number_only_when_every_value_reads_and_a_select_a_multi_select(admin, api, trade_app):
    admin.post("meta/entities/trade_account/fields", json={"name": "seats", "type": "text", "label": {"en": "S"}})
    admin.post("meta/entities/trade_account/fields", json={"name": "region", "type": "select", "label": {"en": "R"},
                                                           "options": REGIONS})
    ids = [api.post("trade_account", json={"name": n, "cf_seats": s, "cf_region": "north"}).json["id"]
           for n, s in [("A", "12"), ("B", "twelve"), ("C", "7")]]
    dry = admin.post("meta/entities/trade_account/fields/cf_seats/type-preview", json={"type": "integer"}).json
    assert dry["unconvertible"] == [{"id": ids[1], "value": "twelve", "reason": "Enter a whole number."}]
    assert dry["unconvertible_count"] == 1 and dry["converted"] == 2
    refused = admin.patch("meta/entities/trade_account/fields/cf_seats", json={"type": "integer"})
    assert refused.status_code == 422
    assert refused.json["errors"]["type"][0].startswith(
        f"1 records hold values that cannot become integer; the first is record {ids[1]}, 'twelve': Enter a whole")
    api.patch(f"trade_account/{ids[1]}", json={"cf_seats": None}, headers={"If-Match": '"1"'})
    assert admin.patch("meta/entities/trade_account/fields/cf_seats", json={"type": "integer"}).status_code == 200
    assert api.get(f"trade_account/{ids[0]}").json["cf_seats"] == 12

    listed = admin.patch("meta/entities/trade_account/fields/cf_region", json={"type": "multi_select"})
    assert listed.status_code == 200 and listed.json["type"] == "multi_select"
    assert api.get(f"trade_account/{ids[2]}").json["cf_region"] == ["north"]
    extra = admin.patch("meta/entities/trade_account/fields/cf_seats", json={"type": "decimal", "label": {"en": "X"}})
    assert extra.status_code == 422 and "only settings, options and mapping" in extra.json["errors"]["type"][0]
    wrong = admin.post("meta/entities/trade_account/fields/cf_seats/type-preview", json={"type": "date"})
    assert wrong.status_code == 422
    assert wrong.json["errors"]["type"][0].startswith("A field of type integer cannot become date: Trato has no way")


def test_fields_can_be_reordered_and_entities_relabelled(admin):
    admin.post("meta/entities", json=VEHICLE)
    reordered = admin.call("PUT", "meta/entities/x_vehicle/field-order", json={"fields": ["account", "plate", "fuel"]})
    assert reordered.status_code == 200
    assert [f["name"] for f in reordered.json["fields"] if not f["system"]] == ["account", "plate", "fuel"]
    incomplete = admin.call("PUT", "meta/entities/x_vehicle/field-order", json={"fields": ["plate"]})
    assert incomplete.status_code == 422 and "fields" in incomplete.json["errors"]

    changed = admin.patch("meta/entities/x_vehicle", json={"plural": {"en": "Cars", "es": "Coches"},
                                                         "list_columns": ["plate", "fuel"]})
    assert changed.status_code == 200
    assert changed.json["plural"] == {"en": "Cars", "es": "Coches"}
    assert changed.json["list_columns"] == ["plate", "fuel"]
    builtin = admin.patch("meta/entities/trade_account", json={"label": {"en": "Client"}})
    assert builtin.status_code == 422 and "built-in entity" in builtin.json["errors"]["name"][0]


def test_deleting_a_field_needs_its_name_again_and_says_how_many_values_go(admin, make_record, trade_app):
    admin.post("meta/entities/trade_account/fields", json={"name": "region", "type": "text", "label": {"en": "R"}})
    for name, region in [("Acme", "north"), ("Bolt", "south"), ("Cima", None)]:
        make_record("trade_account", name=name, cf_region=region)

    unconfirmed = admin.delete("meta/entities/trade_account/fields/cf_region")
    assert unconfirmed.status_code == 400
    assert unconfirmed.content_type == "application/problem+json"
    assert "loses 2 values" in unconfirmed.json["errors"]["confirm"][0]
    wrong = admin.delete("meta/entities/trade_account/fields/cf_region?confirm=region")
    assert wrong.status_code == 400
    assert "cf_region" in _columns(trade_app, "trade_account")

    gone = admin.delete("meta/entities/trade_account/fields/cf_region?confirm=cf_region")
    assert gone.status_code == 200 and gone.json == {"name": "cf_region", "lost": 2}
    assert "cf_region" not in _columns(trade_app, "trade_account")
    assert admin.delete("meta/entities/trade_account/fields/city?confirm=city").status_code == 422


def test_deleting_an_entity_needs_its_name_again_and_says_how_many_records_go(admin, make_record, trade_app):
    admin.post("meta/entities", json=VEHICLE)
    make_record("x_vehicle", plate="1")
    deleted = make_record("x_vehicle", plate="2")
    with trade_app.app_context():
        records.delete("x_vehicle", deleted.id, user=None)

    unconfirmed = admin.delete("meta/entities/x_vehicle")
    assert unconfirmed.status_code == 400 and "loses 2 records" in unconfirmed.json["detail"]
    assert "x_vehicle" in _tables(trade_app)
    gone = admin.delete("meta/entities/x_vehicle?confirm=x_vehicle")
    assert gone.status_code == 200 and gone.json == {"name": "x_vehicle", "lost": 2}
    assert "x_vehicle" not in _tables(trade_app)
    assert admin.get("meta/entities/x_vehicle").status_code == 404
    assert admin.delete("meta/entities/trade_account?confirm=trade_account").status_code == 422


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_meta_api_keeps_its_document_for_an_administrator(trade_app, make_user, mode):
    """schemathesis as an administrator (the records' fuzz test runs as a user, whom these routes refuse)."""
    admin = make_user(admin=True, app=trade_app)
    bearer = {"Authorization": f"Bearer {token_for(trade_app, admin, tokens.WRITE)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", trade_app, headers=bearer)
    for result in schema.include(tag="meta").get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(mode))
        @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])

        check()
