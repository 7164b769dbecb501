"""A custom field on a built-in entity is the column cf_<name>; a filter takes the name the admin chose too, and
the list's URL and chips then carry the one name, cf_<name>."""
from __future__ import annotations

from urllib.parse import unquote

from trato import records
from trato.schema import FieldSpec, add_field


def test_a_filter_takes_the_name_the_admin_chose(trade_app, client_as, make_record):
    with trade_app.app_context():
        add_field("trade_account", FieldSpec("region", "text", {"en": "Region", "es": "Región"}, filterable=True))
    make_record("trade_account", name="Norte S.L.", cf_region="Norte")
    make_record("trade_account", name="Sur S.L.", cf_region="Sur")
    client = client_as("admin")
    for key in ("region", "cf_region"):
        page = client.get(f"/r/trade_account/?{key}=Norte").get_data(as_text=True)
        assert "Norte S.L." in page and "Sur S.L." not in page, key
    built = client.get("/r/trade_account/?_field=region&_op=eq&_value=Sur")
    assert "cf_region__eq=Sur" in unquote(built.headers["Location"])
    with trade_app.app_context():
        found = records.query("trade_account", user=None).where({"region__startswith": "No"}).page().items
        assert [r["name"] for r in found] == ["Norte S.L."]


def test_the_admin_is_told_the_name_the_field_got(trade_app, client_as):
    client = client_as("admin")
    answer = client.post("/admin/entities/trade_account/fields", data={
        "field-name": "region", "field-type": "text", "field-label_en": "Region"}, follow_redirects=True)
    assert "The field Region was added; its name is cf_region." in answer.get_data(as_text=True)


def test_a_write_takes_the_name_the_admin_chose_on_every_path(trade_app, api_client_as):
    with trade_app.app_context():
        add_field("trade_account", FieldSpec("region", "text", {"en": "Region", "es": "Región"}))
    api = api_client_as("admin")
    made = api.post("trade_account", json={"name": "Norte S.L.", "region": "Norte"})
    assert made.status_code == 201 and made.json["cf_region"] == "Norte"
    changed = api.patch(f"trade_account/{made.json['id']}", json={"region": "Noroeste"},
                        headers={"If-Match": made.headers["ETag"]})
    assert changed.json["cf_region"] == "Noroeste"
    with trade_app.app_context():
        assert records.get("trade_account", made.json["id"], user=None)["cf_region"] == "Noroeste"
        made = records.create("trade_account", {"name": "Sur S.L.", "region": "Sur"}, user=None)
        assert made["cf_region"] == "Sur"
    # Both names at once is ambiguous: the admin's name is then an unknown field, named in the answer.
    both = api.post("trade_account", json={"name": "Este S.L.", "region": "Este", "cf_region": "Levante"})
    assert both.status_code == 422 and "region" in both.json["errors"] and "cf_region" not in both.json["errors"]
