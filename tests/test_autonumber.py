"""The auto-number field on a custom entity: added from the admin screen, numbered on create through the form, the
API and imports, read-only everywhere, unique, filterable and sortable, and gapless when a create is undone."""
from __future__ import annotations

import html
import re
from datetime import date

import pytest

from trato import numbering, records
from trato.schema import EntitySpec, FieldSpec, add_field, create_entity, delete_field
from trato.transfer import imports


class Rollback(Exception):
    """Raised inside a transaction to undo it."""


@pytest.fixture
def cases(trade_app, make_record):
    """A custom entity `x_claim` with a subject and two records made before any number existed."""
    with trade_app.app_context():
        create_entity(EntitySpec("claim", {"en": "Claim", "es": "Reclamación"}, {"en": "Claims", "es": "Reclamaciones"},
                                 [FieldSpec("subject", "text", {"en": "Subject", "es": "Asunto"}, required=True)]))
    for subject in ("Old one", "Old two"):
        make_record("x_claim", app=trade_app, subject=subject)
    return trade_app


def numbers(app) -> dict[str, str | None]:
    with app.app_context():
        page = records.query("x_claim", user=None).order_by("id").page(limit=50)
        return {r["subject"]: r["number"] for r in page.items}


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    assert found, f"no error at {field_id}"
    return html.unescape(found.group(1))


def add_number_field(client, pattern: str = "CASE-{seq:06}"):
    return client.post("/admin/entities/x_claim/fields", data={
        "field-name": "number", "field-type": "autonumber", "field-label_en": "Number", "field-label_es": "Número",
        "field-pattern": pattern})


def test_added_from_the_admin_screen_it_makes_its_series_and_numbers_the_records_already_there(cases, client_as):
    admin = client_as("admin", app=cases)
    assert "Auto number" in admin.get("/admin/entities/x_claim").get_data(as_text=True)
    assert add_number_field(admin).status_code == 302
    with cases.app_context():
        [series] = numbering.all_series()
        field = records.entity("x_claim").fields["number"]
    assert (series.code, series.pattern, series.next_number) == ("x_claim.number", "CASE-{seq:06}", 3)
    assert field.unique and field.system_set
    assert numbers(cases) == {"Old one": "CASE-000001", "Old two": "CASE-000002"}


def test_a_pattern_without_seq_is_refused_at_its_input_and_nothing_is_added(cases, client_as):
    admin = client_as("admin", app=cases)
    refused = add_number_field(admin, "CASE-0001")
    assert refused.status_code == 422
    assert "needs {seq}" in field_error(refused.get_data(as_text=True), "field-pattern")
    with cases.app_context():
        assert "number" not in records.entity("x_claim").fields and numbering.all_series() == []


@pytest.fixture
def numbered(cases, client_as):
    assert add_number_field(client_as("admin", app=cases)).status_code == 302
    return cases


def test_the_form_numbers_a_new_record_and_never_offers_the_number(numbered, client_as):
    admin = client_as("admin", app=numbered)
    form = admin.get("/r/x_claim/new").get_data(as_text=True)
    assert 'name="subject"' in form and 'name="number"' not in form
    made = admin.post("/r/x_claim/new", data={"subject": "By form", "number": "MINE-1"})
    assert made.status_code in (302, 303)
    assert numbers(numbered)["By form"] == "CASE-000003"
    with numbered.app_context():
        record = records.query("x_claim", user=None).where({"subject": "By form"}).page(limit=1).items[0]
    edited = admin.post(f"/r/x_claim/{record.id}/edit", data={"subject": "By form, edited", "number": "MINE-2",
                                                             "version": str(record.version)})
    assert edited.status_code in (302, 303)
    assert numbers(numbered)["By form, edited"] == "CASE-000003"


def test_the_api_numbers_a_new_record_and_refuses_a_number_sent(numbered, api_client_as):
    api = api_client_as("admin", app=numbered)
    made = api.post("x_claim", json={"subject": "By API"})
    assert made.status_code == 201 and made.get_json()["number"] == "CASE-000003"
    sent = api.post("x_claim", json={"subject": "Mine", "number": "CASE-999999"})
    assert sent.status_code == 422 and "number" in sent.get_json()["errors"]
    read = api.get(f"x_claim/{made.get_json()['id']}")
    changed = api.patch(f"x_claim/{made.get_json()['id']}", json={"number": "CASE-000001"},
                        headers={"If-Match": read.headers["ETag"]})
    assert changed.status_code == 422 and "number" in changed.get_json()["errors"]
    bulk = api.post("x_claim/bulk", json={"records": [{"subject": "Bulk A"}, {"subject": "Bulk B"}]})
    assert [r["number"] for r in bulk.get_json()["data"]] == ["CASE-000004", "CASE-000005"]
    assert numbers(numbered)["By API"] == "CASE-000003" and "Mine" not in numbers(numbered)


def test_it_is_filterable_and_sortable(numbered, api_client_as):
    api = api_client_as("admin", app=numbered)
    found = api.get("x_claim", query_string={"number": "CASE-000002"}).get_json()["data"]
    assert [r["subject"] for r in found] == ["Old two"]
    starting = api.get("x_claim", query_string={"number__startswith": "CASE-", "sort": "-number"}).get_json()["data"]
    assert [r["number"] for r in starting] == ["CASE-000002", "CASE-000001"]


def test_an_import_numbers_each_row_and_leaves_a_number_column_aside(numbered, make_user):
    admin = make_user(admin=True, app=numbered)
    data = "Subject,Number\nImported A,X-1\nImported B,X-2\n".encode()
    with numbered.test_request_context():
        done = imports.run(imports.start(data, "claims.csv", "x_claim", user=admin).id)
    assert done.created == 2 and done.failed == 0
    assert {k: v for k, v in numbers(numbered).items() if k.startswith("Imported")} == {
        "Imported A": "CASE-000003", "Imported B": "CASE-000004"}


def test_a_create_undone_gives_its_number_back(numbered):
    with numbered.app_context():
        with pytest.raises(Rollback), records.atomic():
            assert records.create("x_claim", {"subject": "Undone"}, user=None)["number"] == "CASE-000003"
            raise Rollback
        assert records.create("x_claim", {"subject": "Kept"}, user=None)["number"] == "CASE-000003"


def test_a_field_added_again_continues_its_series(numbered, make_record):
    with numbered.app_context():
        delete_field("x_claim", "number")
        add_field("x_claim", FieldSpec("number", "autonumber", {"en": "Number"}, settings={"pattern": "C{seq:04}"}))
        assert len(numbering.all_series()) == 1
    assert numbers(numbered) == {"Old one": "C0003", "Old two": "C0004"}
    assert make_record("x_claim", app=numbered, subject="New")["number"] == "C0005"


def test_an_entity_made_with_an_auto_number_has_its_series(trade_app, make_record):
    with trade_app.app_context():
        create_entity(EntitySpec("ticket", {"en": "Ticket"}, {"en": "Tickets"}, [
            FieldSpec("title", "text", {"en": "Title"}),
            FieldSpec("ref", "autonumber", {"en": "Reference"}, settings={"pattern": "T{yy}-{seq:03}"})]))
    made = make_record("x_ticket", app=trade_app, title="First")
    assert made["ref"] == f"T{date.today().year % 100:02d}-001"
    with trade_app.app_context():
        assert numbering.preview("x_ticket.ref").sequence == 2
