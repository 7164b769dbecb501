"""The admin names a custom entity's records: a title field, or a pattern of fields, refused at its input if wrong."""
from __future__ import annotations

import re

from trato import records


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page)
    assert found, f"no error at {field_id}"
    return found.group(1)


def test_an_admin_chooses_a_pattern_and_records_are_named_by_it(trade_app, admin_client):
    admin_client.post("/admin/entities", data={"entity-name": "van", "entity-label_en": "Van",
                                               "entity-plural_en": "Vans"})
    for name, label in (("name", "Plate"), ("model", "Model")):
        admin_client.post("/admin/entities/x_van/fields", data={"field-name": name, "field-type": "text",
                                                                "field-label_en": label})
    page = admin_client.get("/admin/entities/x_van").text
    assert "How records are named" in page
    assert '<option selected value="name">Plate</option>' in page  # the first text field, chosen for them

    wrong = admin_client.post("/admin/entities/x_van/title", data={"title-title_field": "name",
                                                                   "title-title_pattern": "{name} {colour}"})
    assert wrong.status_code == 422
    assert "each must be a field of this entity" in field_error(wrong.text, "title-title_pattern")

    done = admin_client.post("/admin/entities/x_van/title", data={"title-title_field": "name",
                                                                  "title-title_pattern": "{model} — {name}"})
    assert done.status_code == 302
    with trade_app.app_context():
        van = records.create("x_van", {"name": "1234 KLM", "model": "Transit"}, user=None)
    detail = admin_client.get(f"/r/x_van/{van.id}").text
    assert "Transit — 1234 KLM" in detail and f"#{van.id}" not in detail
