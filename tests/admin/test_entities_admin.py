"""The entities and fields admin: screens that change the schema through `trato.schema`."""
from __future__ import annotations

import re

import pytest
from trato import records
from trato.schema import FieldSpec, add_field


def entity_form(name: str, label: str, plural: str, label_es: str = "", plural_es: str = "") -> dict[str, str]:
    return {"entity-name": name, "entity-label_en": label, "entity-label_es": label_es,
            "entity-plural_en": plural, "entity-plural_es": plural_es}


def field_form(name: str, type_: str, label: str, **extra: str) -> dict[str, str]:
    return {"field-name": name, "field-type": type_, "field-label_en": label,
            **{f"field-{key}": value for key, value in extra.items()}}


def field_error(page: str, field_id: str) -> str:
    """The error text shown under one input."""
    found = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page)
    assert found, f"no error at {field_id}"
    return found.group(1)


def fields_of(app, entity: str) -> dict:
    with app.app_context():
        return dict(app.extensions["trato"].entities.get(entity).fields)


def test_the_list_shows_builtin_and_custom_entities_with_their_fields(trade_app, admin_client):
    page = admin_client.get("/admin/entities").get_data(as_text=True)
    assert "Accounts" in page and "trade_account" in page and "Plugin trade" in page
    assert "City" in page and "Entities and fields" in page
    created = admin_client.post("/admin/entities", data=entity_form("vehicle", "Vehicle", "Vehicles", "Vehículo",
                                                                     "Vehículos"))
    assert created.status_code == 302 and created.headers["Location"] == "/admin/entities/x_vehicle"
    page = admin_client.get("/admin/entities").get_data(as_text=True)
    assert "Vehicles" in page and "x_vehicle" in page and "Custom" in page


def test_a_refused_entity_name_is_shown_at_the_name_with_422(trade_app, admin_client):
    answer = admin_client.post("/admin/entities", data=entity_form("select", "Select", "Selects"))
    assert answer.status_code == 422
    assert "is reserved" in field_error(answer.get_data(as_text=True), "entity-name")


@pytest.mark.parametrize(("type_", "extra"), [
    ("text", {}), ("long_text", {}), ("integer", {"default": "3"}), ("decimal", {}), ("money", {}),
    ("percent", {}), ("boolean", {}), ("date", {}), ("datetime", {}), ("email", {}), ("phone", {}),
    ("url", {}), ("tags", {}), ("file", {}), ("user", {}), ("relation", {"target": "trade_account"}),
    ("multi_select", {"options": "a | A\nb | B"}),
])
def test_each_kind_of_field_can_be_added(trade_app, admin_client, type_, extra):
    answer = admin_client.post("/admin/entities/trade_deal/fields",
                               data=field_form("extra", type_, "Extra", label_es="Adicional", **extra))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    field = fields_of(trade_app, "trade_deal")["cf_extra"]
    assert field.type.name == type_ and field.label == {"en": "Extra", "es": "Adicional"}


def test_a_select_with_options_in_two_languages(trade_app, admin_client):
    options = "north | North | Norte\nsouth | South | Sur\n"
    answer = admin_client.post("/admin/entities/trade_account/fields", data=field_form(
        "region", "select", "Region", label_es="Región", options=options, filterable="y", required="y",
        default="north", help_en="Where they are", position="15"))
    assert answer.status_code == 302
    field = fields_of(trade_app, "trade_account")["cf_region"]
    assert [(o.value, o.label) for o in field.options] == [("north", {"en": "North", "es": "Norte"}),
                                                          ("south", {"en": "South", "es": "Sur"})]
    assert field.required and field.filterable and field.default == "north" and field.position == 15
    page = admin_client.get("/admin/entities/trade_account").get_data(as_text=True)
    assert "Region" in page and "North, South" in page and "Where they are" in page


def test_field_refusals_land_on_their_input(trade_app, admin_client):
    no_options = admin_client.post("/admin/entities/trade_account/fields", data=field_form("tier", "select", "Tier"))
    assert no_options.status_code == 422
    assert "needs at least one option" in field_error(no_options.get_data(as_text=True), "field-options")
    bad_line = admin_client.post("/admin/entities/trade_account/fields",
                                 data=field_form("tier", "select", "Tier", options="gold"))
    assert "Line 1" in field_error(bad_line.get_data(as_text=True), "field-options")
    taken = admin_client.post("/admin/entities/trade_account/fields", data=field_form("city", "text", "City"))
    assert taken.status_code == 302  # cf_city is not the built-in city
    again = admin_client.post("/admin/entities/trade_account/fields", data=field_form("city", "text", "City"))
    assert again.status_code == 422 and "already has a field" in field_error(again.get_data(as_text=True),
                                                                               "field-name")
    assert "cf_tier" not in fields_of(trade_app, "trade_account")


def make_accounts(app, count: int) -> None:
    with app.app_context():
        for n in range(count):
            records.create("trade_account", {"name": f"Account {n}"}, user=None)


def test_making_a_field_required_is_refused_with_the_count_of_empty_records(trade_app, admin_client):
    make_accounts(trade_app, 3)
    required_new = admin_client.post("/admin/entities/trade_account/fields",
                                     data=field_form("vat", "text", "VAT", required="y"))
    assert required_new.status_code == 422
    assert "3 records would have this required field empty" in required_new.get_data(as_text=True)
    admin_client.post("/admin/entities/trade_account/fields", data=field_form("vat", "text", "VAT"))
    answer = admin_client.post("/admin/entities/trade_account/fields/cf_vat", data={
        "labels-label_en": "VAT number", "labels-label_es": "NIF", "labels-required": "y", "labels-position": "5"})
    assert answer.status_code == 422
    assert "3 records have this field empty" in answer.get_data(as_text=True)
    assert fields_of(trade_app, "trade_account")["cf_vat"].label == {"en": "VAT"}
    saved = admin_client.post("/admin/entities/trade_account/fields/cf_vat", data={
        "labels-label_en": "VAT number", "labels-label_es": "NIF", "labels-help_en": "As on invoices",
        "labels-help_es": "Como en las facturas", "labels-position": "5"})
    assert saved.status_code == 302
    field = fields_of(trade_app, "trade_account")["cf_vat"]
    assert (field.label == {"en": "VAT number", "es": "NIF"}
            and field.help == {"en": "As on invoices", "es": "Como en las facturas"})
    assert field.position == 5 and not field.required


def stored(app, field: str) -> dict:
    with app.app_context():
        return {r["name"]: r[field] for r in records.query("trade_account", user=None).page().items}


def test_the_type_changes_that_exist_are_offered_and_others_refused_with_the_reason(trade_app, admin_client):
    with trade_app.app_context():
        add_field("trade_account", FieldSpec("notes", "text", {"en": "Notes"}))
        add_field("trade_account", FieldSpec("score", "decimal", {"en": "Score"}))
    page = admin_client.get("/admin/entities/trade_account/fields/cf_notes").get_data(as_text=True)
    offered = re.findall(r'<option value="([a-z_]+)">', page.split('id="type-type"')[1].split("</select>")[0])
    assert offered == ["long_text", "select", "integer", "decimal"]
    assert "keeps its type: Trato cannot convert its values" in \
        admin_client.get("/admin/entities/trade_account/fields/cf_score").get_data(as_text=True)
    refused = admin_client.post("/admin/entities/trade_account/fields/cf_score/type", data={"type-type": "integer"})
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "type-type").startswith(
        "A field of type decimal cannot become integer: whole numbers would lose the digits after the point.")
    changed = admin_client.post("/admin/entities/trade_account/fields/cf_notes/type", data={"type-type": "long_text"})
    assert changed.status_code == 302
    assert fields_of(trade_app, "trade_account")["cf_notes"].type.name == "long_text"


def test_text_becomes_a_select_through_a_dry_run_of_the_proposed_mapping(trade_app, admin_client, make_record):
    with trade_app.app_context():
        add_field("trade_account", FieldSpec("region", "text", {"en": "Region"}))
    for name, region in [("A", "North"), ("B", "north"), ("C", "Sur"), ("D", "?")]:
        make_record("trade_account", name=name, cf_region=region)
    url = "/admin/entities/trade_account/fields/cf_region/type"

    dry = admin_client.post(f"{url}/preview", data={"type-type": "select"})
    page = dry.get_data(as_text=True)
    assert dry.status_code == 200 and "4 records hold a value: 4 would keep one, 0 would be emptied" in page
    assert "option | ?\nnorth | North\nsur | Sur</textarea>" in page  # the proposed options, in the options input
    rows = re.findall(r'name="mapping-(\d+)-value" value="([^"]*)"></td>\s*<td>(\d+)</td>', page)
    assert [(value, records_) for _n, value, records_ in rows] == [("?", "1"), ("North", "1"), ("Sur", "1"),
                                                                   ("north", "1")]
    assert "Nothing has been changed yet" in page and stored(trade_app, "cf_region")["D"] == "?"

    form = {"type-type": "select", "type-options": "north | North | Norte\nsouth | South | Sur",
            "mapping-0-value": "?", "mapping-0-option": "", "mapping-1-value": "Sur", "mapping-1-option": "south"}
    unmapped = admin_client.post(url, data=form)
    page = unmapped.get_data(as_text=True)
    assert unmapped.status_code == 422
    assert field_error(page, "type-mapping") == "Values with no option yet (1): &#39;?&#39;. Map each to an option " \
                                                "or to empty."
    assert 'class="has-error"' in page and stored(trade_app, "cf_region")["D"] == "?"

    form["mapping-0-option"] = "_empty"
    done = admin_client.post(url, data=form, headers={"HX-Request": "true"})
    assert done.status_code == 200
    assert done.headers["HX-Redirect"] == "/admin/entities/trade_account/fields/cf_region"
    assert stored(trade_app, "cf_region") == {"A": "north", "B": "north", "C": "south", "D": None}
    assert fields_of(trade_app, "trade_account")["cf_region"].option_values() == ["north", "south"]


def test_a_number_change_is_refused_with_the_rows_that_do_not_read(trade_app, admin_client, make_record):
    with trade_app.app_context():
        add_field("trade_account", FieldSpec("seats", "text", {"en": "Seats"}))
    make_record("trade_account", name="A", cf_seats="12")
    bad = make_record("trade_account", name="B", cf_seats="a dozen")
    refused = admin_client.post("/admin/entities/trade_account/fields/cf_seats/type",
                                data={"type-type": "decimal", "type-scale": "1"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert field_error(page, "type-type").startswith(
        f"1 records hold values that cannot become decimal; the first is record {bad.id}, &#39;a dozen&#39;: ")
    assert f'/trade_account/{bad.id}">{bad.id}</a></td><td>a dozen</td>' in page
    assert fields_of(trade_app, "trade_account")["cf_seats"].type.name == "text"


def test_deleting_a_field_says_how_many_values_are_lost_and_needs_its_name(trade_app, admin_client):
    with trade_app.app_context():
        add_field("trade_account", FieldSpec("vat", "text", {"en": "VAT"}))
        for n in range(2):
            records.create("trade_account", {"name": f"A{n}", "cf_vat": f"ES{n}"}, user=None)
        records.create("trade_account", {"name": "Empty"}, user=None)
    page = admin_client.get("/admin/entities/trade_account/fields/cf_vat/delete").get_data(as_text=True)
    assert "2 records have a value in this field. They will be lost." in page
    wrong = admin_client.post("/admin/entities/trade_account/fields/cf_vat/delete", data={"delete-confirm": "vat"})
    assert wrong.status_code == 422 and "Type cf_vat exactly" in field_error(wrong.get_data(as_text=True),
                                                                             "delete-confirm")
    assert "cf_vat" in fields_of(trade_app, "trade_account")
    done = admin_client.post("/admin/entities/trade_account/fields/cf_vat/delete", data={"delete-confirm": "cf_vat"},
                             follow_redirects=True)
    assert "The field cf_vat was deleted with 2 values." in done.get_data(as_text=True)
    assert "cf_vat" not in fields_of(trade_app, "trade_account")


def test_deleting_a_custom_entity_says_how_many_records_are_lost(trade_app, admin_client):
    admin_client.post("/admin/entities", data=entity_form("vehicle", "Vehicle", "Vehicles"))
    admin_client.post("/admin/entities/x_vehicle/fields", data=field_form("plate", "text", "Plate"))
    with trade_app.app_context():
        records.create("x_vehicle", {"plate": "1234 ABC"}, user=None)
    page = admin_client.get("/admin/entities/x_vehicle/delete").get_data(as_text=True)
    assert "1 record (the recycle bin included) will be lost" in page
    assert admin_client.get("/admin/entities/trade_account/delete").status_code == 404
    done = admin_client.post("/admin/entities/x_vehicle/delete", data={"delete-confirm": "x_vehicle"},
                             follow_redirects=True)
    assert "Vehicle was deleted with 1 records." in done.get_data(as_text=True)
    with trade_app.app_context():
        assert "x_vehicle" not in trade_app.extensions["trato"].entities


@pytest.mark.parametrize("path", ["/admin/entities", "/admin/entities/trade_account",
                                  "/admin/entities/trade_account/fields/cf_x/delete"])
def test_other_users_are_refused(trade_app, client_as, path):
    client = client_as("user", app=trade_app)
    assert client.get(path).status_code == 403
    assert client.post(path, data={}).status_code in (403, 405)


def test_a_spanish_admin_reads_spanish_labels(trade_app, make_user, client_as):
    with trade_app.app_context():
        add_field("trade_account", FieldSpec("region", "select", {"en": "Region", "es": "Región"}, options=[
            {"value": "north", "label": {"en": "North", "es": "Norte"}}]))
    client = client_as(make_user(admin=True, app=trade_app, locale="es"), app=trade_app)
    page = client.get("/admin/entities/trade_account").get_data(as_text=True)
    assert "Región" in page and "Norte" in page and "Añadir un campo" in page


def test_a_spanish_admin_reads_the_dry_run_and_its_refusals_in_spanish(trade_app, make_user, client_as, make_record):
    with trade_app.app_context():
        add_field("trade_account", FieldSpec("seats", "text", {"en": "Seats"}))
    bad = make_record("trade_account", name="A", cf_seats="doce")
    client = client_as(make_user(admin=True, app=trade_app, locale="es"), app=trade_app)
    page = client.get("/admin/entities/trade_account/fields/cf_seats").get_data(as_text=True)
    assert ">Simular</button>" in page and "Sus valores se convierten" in page
    dry = client.post("/admin/entities/trade_account/fields/cf_seats/type/preview", data={"type-type": "integer"})
    page = dry.get_data(as_text=True)
    assert dry.status_code == 200 and "Registros cuyo valor no se puede convertir" in page
    assert (f"1 registros tienen valores que no pueden convertirse en integer; el primero es el registro {bad.id}, "
            "&#39;doce&#39;: ") in page
