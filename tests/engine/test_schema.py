"""The schema service: custom fields and entities as real columns and tables, all or nothing."""
from __future__ import annotations

from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from trato import PermissionRefused, ValidationFailed, records
from trato.counters import SCHEMA, read_all
from trato.db import Base, engine, session
from trato.entities.meta import FieldRow
from trato.migrate import include_object
from trato.schema import EntitySpec, FieldSpec, SchemaError, add_field, change_entity, change_field
from trato.schema import TypeChange, change_field_type, count_values, create_entity, delete_entity, delete_field
from trato.schema import reorder_fields


def en(text: str, es: str | None = None) -> dict[str, str]:
    return {"en": text, "es": es or text}


def columns(table: str) -> dict[str, str]:
    session().rollback()  # on SQLite the test's open transaction would keep another connection waiting
    with engine().connect() as conn:
        return {c["name"]: str(c["type"]) for c in inspect(conn).get_columns(table)}


def indexes(table: str) -> dict[str, list[str]]:
    session().rollback()
    with engine().connect() as conn:
        return {str(ix["name"]): ix["column_names"] for ix in inspect(conn).get_indexes(table)}


def schema_version() -> int:
    return read_all(session())[SCHEMA]


def test_a_custom_field_is_a_real_indexed_column_used_like_any_other(ctx, ana):
    field = add_field("trade_account", FieldSpec("tax_id", "text", en("Tax ID", "NIF"), filterable=True,
                                                 help=en("As on invoices")))
    assert (field.name, field.custom, field.filterable) == ("cf_tax_id", True, True)
    assert "cf_tax_id" in columns("trade_account")
    assert indexes("trade_account")["ix_trade_account_cf_tax_id"] == ["cf_tax_id"]
    acme = records.create("trade_account", {"name": "Acme", "cf_tax_id": "B12345678"}, user=ana)
    assert acme["cf_tax_id"] == "B12345678"
    found = records.query("trade_account", user=ana).where({"cf_tax_id__startswith": "b123"}).page().items
    assert [a.id for a in found] == [acme.id]
    with ctx.app_context(), ctx.test_request_context(headers={"Accept-Language": "es"}):
        assert ctx.extensions["trato"].entities.get("trade_account").field("cf_tax_id").text == "NIF"


@pytest.mark.parametrize("slug, message", [
    ("select", "is reserved"),
    ("version", "is reserved"),
    ("Tax", "may hold only lower-case letters"),
    ("tax__id", "may hold only lower-case letters"),
    ("tax_", "may hold only lower-case letters"),
    ("1st", "may hold only lower-case letters"),
    ("x; DROP TABLE trade_account", "may hold only lower-case letters"),
    ('x" text, "y', "may hold only lower-case letters"),
    ("a" * 31, "longer than 30 characters"),
    ("", "Give the field a name."),
])
def test_bad_names_are_refused_and_nothing_is_made(ctx, slug, message):
    before, version = columns("trade_account"), schema_version()
    with pytest.raises(SchemaError, match=message) as refused:
        add_field("trade_account", FieldSpec(slug, "text", en("Anything")))
    assert refused.value.field == "name"
    assert columns("trade_account") == before and schema_version() == version
    assert session().scalars(select(FieldRow)).all() == []


def test_collisions_and_bad_definitions_are_refused(ctx):
    add_field("trade_deal", FieldSpec("price", "money", en("Price"), settings={"currency": "EUR"}))
    assert {"cf_price", "cf_price_currency"} <= set(columns("trade_deal"))
    for spec, message in [
        (FieldSpec("price", "text", en("Again")), "already has a field or column called 'price'"),
        (FieldSpec("price_currency", "text", en("Clash")), "already has a field or column called 'price_currency'"),
        (FieldSpec("kind", "select", en("Kind")), "needs at least one option"),
        (FieldSpec("kind", "select", en("Kind"), options=[{"value": "A B", "label": en("A")}]), "option value"),
        (FieldSpec("kind", "colour", en("Kind")), "unknown field type 'colour'"),
        (FieldSpec("kind", "text", {"es": "Tipo"}), "needs a text in English"),
        (FieldSpec("kind", "text", en("Kind"), settings={"scale": 2}), "does not fit a text field"),
        (FieldSpec("link", "relation", en("Link"), settings={"target": "nowhere"}), "entity it points at"),
        (FieldSpec("size", "integer", en("Size"), default="big"), "default value does not fit: Enter a whole"),
    ]:
        with pytest.raises(SchemaError, match=message):
            add_field("trade_deal", spec)


def test_required_fields_and_defaults(ctx, ana):
    deal = records.create("trade_deal", {"name": "Existing"}, user=ana)
    with pytest.raises(SchemaError, match="1 records would have this required field empty"):
        add_field("trade_deal", FieldSpec("region", "text", en("Region"), required=True))
    add_field("trade_deal", FieldSpec("priority", "integer", en("Priority"), required=True, default=3))
    assert records.get("trade_deal", deal.id, user=ana)["cf_priority"] == 3  # filled in by the default
    assert records.create("trade_deal", {"name": "New"}, user=ana)["cf_priority"] == 3
    add_field("trade_deal", FieldSpec("region", "text", en("Region")))
    with pytest.raises(SchemaError, match="2 records have this field empty"):
        change_field("trade_deal", "cf_region", {"required": True})
    for d in records.query("trade_deal", user=ana).page().items:
        records.update("trade_deal", d.id, {"cf_region": "North"}, user=ana, version=d.version)
    change_field("trade_deal", "cf_region", {"required": True, "label": en("Area", "Zona")})
    with pytest.raises(ValidationFailed) as refused:
        records.create("trade_deal", {"name": "No region"}, user=ana)
    assert refused.value.errors == {"cf_region": ["This field is required."]}
    assert ctx.extensions["trato"].entities.get("trade_deal").field("cf_region").text == "Area"


def test_options_in_use_cannot_be_removed(ctx, ana):
    sizes = [{"value": v, "label": en(v.title())} for v in ("small", "large")]
    add_field("trade_deal", FieldSpec("size", "select", en("Size"), options=sizes))
    add_field("trade_deal", FieldSpec("perks", "multi_select", en("Perks"), options=sizes))
    records.create("trade_deal", {"name": "A", "cf_size": "large", "cf_perks": ["small"]}, user=ana)
    with pytest.raises(SchemaError, match=r"1 records use the options you removed \(large\)"):
        change_field("trade_deal", "cf_size", {"options": sizes[:1]})
    with pytest.raises(SchemaError, match=r"1 records use the options you removed \(small\)"):
        change_field("trade_deal", "cf_perks", {"options": sizes[1:]})
    relabelled = change_field("trade_deal", "cf_size", {"options": [*sizes, {"value": "huge", "label": en("Huge")}]})
    assert relabelled.option_values() == ["small", "large", "huge"]


def test_deleting_a_field_says_how_many_values_go(ctx, ana):
    add_field("trade_account", FieldSpec("segment", "text", en("Segment"), filterable=True))
    records.bulk_create("trade_account", [{"name": "A", "cf_segment": "smb"}, {"name": "B"},
                                          {"name": "C", "cf_segment": "ent"}], user=ana)
    assert count_values("trade_account", "cf_segment") == 2
    assert delete_field("trade_account", "cf_segment") == 2
    assert "cf_segment" not in columns("trade_account")
    assert not [ix for ix in indexes("trade_account") if "segment" in ix]
    with pytest.raises(ValidationFailed):
        records.create("trade_account", {"name": "D", "cf_segment": "smb"}, user=ana)
    with pytest.raises(SchemaError, match="'city' is a built-in field"):
        delete_field("trade_account", "city")


def test_lossless_type_changes_keep_every_value_and_others_are_refused_with_the_reason(ctx, ana):
    add_field("trade_account", FieldSpec("motto", "text", en("Motto")))
    add_field("trade_account", FieldSpec("seats", "integer", en("Seats"), filterable=True))
    acme = records.create("trade_account", {"name": "Acme", "cf_motto": "We make things", "cf_seats": 12}, user=ana)
    change_field_type("trade_account", "cf_motto", TypeChange("long_text"))
    change_field_type("trade_account", "cf_seats", TypeChange("decimal", {"scale": 2}))
    again = records.get("trade_account", acme.id, user=ana)
    assert (again["cf_motto"], again["cf_seats"]) == ("We make things", Decimal("12.00"))
    assert records.update("trade_account", acme.id, {"cf_seats": "12.5", "cf_motto": "x" * 1000}, user=ana,
                          version=again.version)["cf_seats"] == Decimal("12.50")
    assert [a.id for a in records.query("trade_account", user=ana).where({"cf_seats__gt": "12.1"}).page().items] \
        == [acme.id]
    with pytest.raises(SchemaError, match="A field of type decimal cannot become integer: "
                                          "whole numbers would lose the digits"):
        change_field_type("trade_account", "cf_seats", TypeChange("integer"))
    with pytest.raises(SchemaError, match="A field of type long_text cannot become text: long texts may not fit"):
        change_field_type("trade_account", "cf_motto", TypeChange("text"))


def test_reorder_places_custom_fields_among_built_in_ones(ctx):
    add_field("trade_account", FieldSpec("b", "text", en("B")))
    add_field("trade_account", FieldSpec("a", "text", en("A")))
    entity = ctx.extensions["trato"].entities.get("trade_account")
    builtin = [n for n, f in entity.fields.items() if not f.system and not f.custom]
    order = [builtin[0], "cf_a", "cf_b", *builtin[1:]]
    assert [n for n in reorder_fields("trade_account", order) if n in order] == order
    with pytest.raises(SchemaError, match="Built-in fields keep their order"):
        reorder_fields("trade_account", list(reversed(order)))
    with pytest.raises(SchemaError, match="List each of these fields once"):
        reorder_fields("trade_account", order[:-1])


def test_a_failing_change_leaves_no_column_and_no_row(ctx, monkeypatch):
    from trato.schema.ddl import Ddl

    def broken_index(self, table_name, field):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Ddl, "index", broken_index)
    version = schema_version()
    with pytest.raises(RuntimeError, match="the disk is full"):
        add_field("trade_account", FieldSpec("doomed", "text", en("Doomed"), filterable=True))
    assert "cf_doomed" not in columns("trade_account")
    assert session().scalars(select(FieldRow)).all() == [] and schema_version() == version
    with pytest.raises(RuntimeError):
        create_entity(EntitySpec("doomed", en("Doomed"), en("Doomed"), [FieldSpec("name", "text", en("Name"))]))
    session().rollback()
    with engine().connect() as conn:
        assert not inspect(conn).has_table("x_doomed")


def test_only_administrators_change_the_schema(ctx, ana, admin):
    with pytest.raises(PermissionRefused, match="Only administrators"):
        add_field("trade_account", FieldSpec("mine", "text", en("Mine")), user=ana)
    assert add_field("trade_account", FieldSpec("mine", "text", en("Mine")), user=admin).name == "cf_mine"


EVERY_TYPE = [
    FieldSpec("plate", "text", en("Plate", "Matrícula"), required=True, filterable=True, settings={"length": 12}),
    FieldSpec("notes", "long_text", en("Notes")),
    FieldSpec("seats", "integer", en("Seats")),
    FieldSpec("engine_litres", "decimal", en("Engine"), settings={"scale": 1}),
    FieldSpec("price", "money", en("Price"), settings={"currency": "EUR"}),
    FieldSpec("discount", "percent", en("Discount")),
    FieldSpec("electric", "boolean", en("Electric"), default=False),
    FieldSpec("registered_on", "date", en("Registered")),
    FieldSpec("serviced_at", "datetime", en("Serviced")),
    FieldSpec("dealer_email", "email", en("Dealer email")),
    FieldSpec("dealer_phone", "phone", en("Dealer phone")),
    FieldSpec("manual", "url", en("Manual")),
    FieldSpec("fuel", "select", en("Fuel"), filterable=True,
              options=[{"value": "petrol", "label": en("Petrol", "Gasolina")}, {"value": "ev", "label": en("EV")}]),
    FieldSpec("extras", "multi_select", en("Extras"), filterable=True,
              options=[{"value": "gps", "label": en("GPS")}, {"value": "tow", "label": en("Tow bar")}]),
    FieldSpec("account", "relation", en("Account"), settings={"target": "trade_account"}),
    FieldSpec("replaces", "relation", en("Replaces"), settings={"target": "x_vehicle"}),
    FieldSpec("driver", "user", en("Driver")),
    FieldSpec("labels", "tags", en("Labels")),
    FieldSpec("logbook", "file", en("Logbook")),
]


def test_a_custom_entity_is_a_real_table_with_everything_a_built_in_one_has(ctx, ana):
    vehicles = create_entity(EntitySpec("vehicle", en("Vehicle", "Vehículo"), en("Vehicles", "Vehículos"),
                                        EVERY_TYPE, search_fields=["plate", "notes"]))
    assert vehicles.name == "x_vehicle" and vehicles.custom and vehicles.title_field == "plate"
    assert {"id", "owner_id", "version", "deleted_at", "plate", "price", "price_currency"} <= set(columns("x_vehicle"))
    assert {"ix_x_vehicle_plate", "ix_x_vehicle_fuel", "ix_x_vehicle_account"} <= set(indexes("x_vehicle"))
    acme = records.create("trade_account", {"name": "Acme", "city": "Madrid"}, user=ana)
    old = records.create("x_vehicle", {"plate": "1234 ABC", "account": acme.id, "fuel": "petrol"}, user=ana)
    new = records.create("x_vehicle", {
        "plate": "5678 XYZ", "seats": 5, "engine_litres": "1.55", "price": {"amount": "31999.99", "currency": "EUR"},
        "discount": "7.5", "registered_on": "2026-03-01", "serviced_at": "2026-06-01T09:00:00+02:00",
        "dealer_email": "ventas@example.es", "dealer_phone": "+34 910 000 000", "manual": "https://example.es/m.pdf",
        "fuel": "ev", "extras": ["gps", "tow"], "account": acme.id, "replaces": old.id, "driver": ana.id,
        "labels": ["fleet"], "logbook": {"name": "log.pdf", "size": 10, "content_type": "application/pdf",
                                         "key": "k/1"}}, user=ana)
    assert (new["engine_litres"], new["electric"], new.version) == (Decimal("1.6"), False, 1)
    query = records.query("x_vehicle", user=ana)
    assert [v["plate"] for v in query.where({"account.city": "Madrid", "extras__contains": "gps"}).page().items] \
        == ["5678 XYZ"]
    assert [v["plate"] for v in query.where({"replaces.fuel": "petrol"}).page().items] == ["5678 XYZ"]
    assert [v["plate"] for v in query.search("1234").page().items] == ["1234 ABC"]
    with pytest.raises(ValidationFailed) as refused:
        records.create("x_vehicle", {"plate": "too long for a plate", "fuel": "coal"}, user=ana)
    assert set(refused.value.errors) == {"plate", "fuel"}
    # A built-in entity can point at a custom one, and the custom one then cannot go.
    add_field("trade_account", FieldSpec("fleet_car", "relation", en("Fleet car"), settings={"target": "x_vehicle"}))
    records.update("trade_account", acme.id, {"cf_fleet_car": new.id}, user=ana, version=None)
    with pytest.raises(SchemaError, match="Fields point at Vehicle: trade_account.cf_fleet_car"):
        delete_entity("x_vehicle")
    change_entity("x_vehicle", {"label": en("Car", "Coche"), "list_columns": ["plate", "fuel"]})
    assert ctx.extensions["trato"].entities.get("x_vehicle").list_columns == ("plate", "fuel")
    delete_field("trade_account", "cf_fleet_car")
    assert delete_entity("x_vehicle") == 2
    session().rollback()
    with engine().connect() as conn:
        assert not inspect(conn).has_table("x_vehicle")
    assert "x_vehicle" not in ctx.extensions["trato"].entities


def test_custom_entity_names_are_checked(ctx):
    create_entity(EntitySpec("car", en("Car"), en("Cars"), [FieldSpec("name", "text", en("Name"))]))
    for spec, message in [
        (EntitySpec("car", en("Car"), en("Cars")), "already an entity or table called 'x_car'"),
        (EntitySpec("table", en("T"), en("Ts")), "is reserved"),
        (EntitySpec("bus", en("Bus"), en("Buses"), [FieldSpec("id", "text", en("Id"))]), "is reserved"),
        (EntitySpec("bus", en("Bus"), en("Buses"), [FieldSpec("a", "text", en("A"))] * 2), "Two fields"),
        (EntitySpec("bus", en("Bus"), en("Buses"), search_fields=["nothing"]), "cannot be a search field"),
    ]:
        with pytest.raises(SchemaError, match=message):
            create_entity(spec)


def test_another_worker_sees_a_change_at_its_next_request_and_rebuilds_only_that_entity(ctx, make_app, ana):
    from trato_trade import plugin as trade_plugin

    first = ctx.extensions["trato"].entities
    deal_before, version_before = first.get("trade_deal"), first.version
    other = make_app(extra_plugins={"trade": trade_plugin})  # a second worker on the same database
    with other.app_context():
        add_field("trade_account", FieldSpec("tier", "text", en("Tier")))
    assert "cf_tier" not in first.get("trade_account").fields  # no request since the change
    ctx.test_client().get("/login")  # every request starts by catching up
    assert "cf_tier" in first.get("trade_account").fields and first.version > version_before
    assert first.get("trade_deal") is deal_before  # the unchanged entity was not rebuilt
    assert records.create("trade_account", {"name": "Acme", "cf_tier": "gold"}, user=ana)["cf_tier"] == "gold"


def test_autogenerate_leaves_custom_columns_and_tables_alone(ctx):
    """Also: the engine's migrations (c002, the sample plugin's) match their models."""
    add_field("trade_account", FieldSpec("tier", "text", en("Tier"), filterable=True))
    add_field("trade_account", FieldSpec("code", "text", en("Code"), unique=True))
    create_entity(EntitySpec("car", en("Car"), en("Cars"), [FieldSpec("name", "text", en("Name"))]))
    session().rollback()
    with engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object,
                                                        "target_metadata": Base.metadata})
        diffs = compare_metadata(context, Base.metadata)
    mine = ("cf_", "x_car", "core_entity", "core_field", "core_audit", "trade_")  # and c002 matches its models
    assert [d for d in diffs if any(name in repr(d) for name in mine)] == []


def test_unique_fields_refuse_a_taken_value_by_name(ctx, ana):
    add_field("trade_account", FieldSpec("code", "text", en("Code"), unique=True))
    assert indexes("trade_account")["uq_trade_account_cf_code"] == ["cf_code"]
    acme = records.create("trade_account", {"name": "Acme", "cf_code": "AC-1"}, user=ana)
    taken = {"cf_code": ["Another record (perhaps in the recycle bin) already has this value."]}
    with pytest.raises(ValidationFailed) as refused:
        records.create("trade_account", {"name": "Copycat", "cf_code": "AC-1"}, user=ana)
    assert refused.value.errors == taken
    with pytest.raises(ValidationFailed) as refused:
        records.bulk_create("trade_account", [{"name": "A", "cf_code": "X"}, {"name": "B", "cf_code": "X"}], user=ana)
    assert refused.value.errors == {1: taken}
    assert records.update("trade_account", acme.id, {"cf_code": "AC-1", "city": "Lima"}, user=ana,
                          version=None)["city"] == "Lima"  # its own value is no clash
    records.delete("trade_account", acme.id, user=ana)
    with pytest.raises(ValidationFailed):
        records.create("trade_account", {"name": "Later", "cf_code": "AC-1"}, user=ana)
    with pytest.raises(SchemaError, match="A tags field cannot be unique"):
        add_field("trade_account", FieldSpec("labels", "tags", en("Labels"), unique=True))
