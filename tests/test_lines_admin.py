"""An admin gives a custom entity line children from the admin screen: an expense report with expense lines,
then used through the form and the API."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from trato import db, records
from trato.roles.models import Role
from trato.schema import EntitySpec, FieldSpec, SchemaError, create_entity, delete_entity


@pytest.fixture
def app(make_app):
    return make_app()


def make_report(app, admin_web):
    assert admin_web.post("/admin/entities", data={
        "entity-name": "expense_report", "entity-label_en": "Expense report", "entity-label_es": "Nota de gastos",
        "entity-plural_en": "Expense reports", "entity-plural_es": "Notas de gastos"}).status_code == 302
    page = admin_web.get("/admin/entities").get_data(as_text=True)
    assert '<option value="x_expense_report">Expense reports</option>' in page
    made = admin_web.post("/admin/entities", data={
        "entity-name": "expense_line", "entity-label_en": "Expense line", "entity-label_es": "Línea de gasto",
        "entity-plural_en": "Expense lines", "entity-plural_es": "Líneas de gasto",
        "entity-parent": "x_expense_report"})
    assert made.status_code == 302
    for entity, name, kind, label in (("x_expense_report", "title", "text", "Title"),
                                      ("x_expense_line", "concept", "text", "Concept"),
                                      ("x_expense_line", "amount", "money", "Amount")):
        assert admin_web.post(f"/admin/entities/{entity}/fields", data={
            "field-name": name, "field-type": kind, "field-label_en": label, "field-label_es": label,
        }).status_code == 302, entity


def test_an_expense_report_with_expense_lines_made_on_the_admin_screen_is_used_by_form_and_api(
        app, client_as, api_client_as, make_user):
    admin_web = client_as("admin", app=app)
    make_report(app, admin_web)
    with app.app_context():
        report = records.entity("x_expense_report")
        assert report.children == ("x_expense_line",) and records.entity("x_expense_line").parent == report.name
    user = make_user(app=app)
    web = client_as(user, app=app)
    form = web.get("/r/x_expense_report/new").get_data(as_text=True)
    assert 'id="lines-x_expense_line"' in form
    saved = web.post("/r/x_expense_report/new", data=MultiDict([
        ("title", "Madrid trip"), ("lines.x_expense_line.shown", "1"),
        ("lines.x_expense_line", "na"), ("lines.x_expense_line.na.concept", "Train"),
        ("lines.x_expense_line.na.amount", "80"), ("lines.x_expense_line.na.amount_currency", "EUR"),
        ("lines.x_expense_line", "nb"), ("lines.x_expense_line.nb.concept", "Hotel"),
        ("lines.x_expense_line.nb.amount", "120"), ("lines.x_expense_line.nb.amount_currency", "EUR")]))
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    api = api_client_as(user, app=app)
    listed = api.get("x_expense_report").json["data"]
    got = api.get(f"x_expense_report/{listed[0]['id']}").json
    assert [(line["concept"], line["amount"]) for line in got["lines"]] == [
        ("Train", {"amount": "80.00", "currency": "EUR"}), ("Hotel", {"amount": "120.00", "currency": "EUR"})]
    changed = api.patch(f"x_expense_report/{got['id']}", headers={"If-Match": f'"{got["version"]}"'},
                        json={"lines": [got["lines"][1]]})
    assert changed.status_code == 200 and [line["concept"] for line in changed.json["lines"]] == ["Hotel"]
    assert [line["concept"] for line in api.get("x_expense_line").json["data"]] == ["Hotel"]
    detail = web.get(f"/r/x_expense_report/{got['id']}").get_data(as_text=True)
    assert "Expense lines" in detail and "Hotel" in detail


def test_lines_have_no_menu_entry_no_new_button_and_no_row_in_the_role_matrix(app, client_as, make_user):
    """They are reached, made and allowed through their document."""
    admin_web = client_as("admin", app=app)
    make_report(app, admin_web)
    home = client_as(make_user(app=app), app=app).get("/").get_data(as_text=True)
    assert "/r/x_expense_report/" in home and "/r/x_expense_report/new" in home
    assert "/r/x_expense_line/" not in home
    with app.app_context():
        role_id = db.session().scalar(select(Role.id).where(Role.name == "sales_rep"))
    matrix = admin_web.get(f"/admin/roles/{role_id}").get_data(as_text=True)
    assert "e_x_expense_report" in matrix and "e_x_expense_line" not in matrix


def test_bad_parents_are_refused_with_a_reason(app, make_user):
    admin = make_user(admin=True, app=app)
    with app.app_context():
        create_entity(EntitySpec("doc", {"en": "Doc"}, {"en": "Docs"}), user=admin)
        with pytest.raises(SchemaError, match="no entity called") as refused:
            create_entity(EntitySpec("doc_line", {"en": "Line"}, {"en": "Lines"}, parent="x_nothing"), user=admin)
        assert refused.value.field == "parent"
        create_entity(EntitySpec("doc_line", {"en": "Line"}, {"en": "Lines"}, parent="x_doc"), user=admin)
        with pytest.raises(SchemaError, match="lines themselves"):
            create_entity(EntitySpec("doc_sub", {"en": "Sub"}, {"en": "Subs"}, parent="x_doc_line"), user=admin)
        with pytest.raises(SchemaError, match="parent and position"):
            create_entity(EntitySpec("doc_two", {"en": "Two"}, {"en": "Twos"}, parent="x_doc",
                                     fields=[FieldSpec("position", "integer", {"en": "Position"})]), user=admin)
        with pytest.raises(SchemaError, match="has lines"):
            delete_entity("x_doc", user=admin)
        delete_entity("x_doc_line", user=admin)
        assert records.entity("x_doc").children == ()
        delete_entity("x_doc", user=admin)


def test_a_custom_parent_in_the_bin_hides_its_lines_and_its_purge_removes_them(app, make_user):
    from sqlalchemy import func, select

    from trato.db import session
    from trato.records.purge import purge_record

    admin = make_user(admin=True, app=app)
    with app.app_context():
        create_entity(EntitySpec("doc", {"en": "Doc"}, {"en": "Docs"},
                                 fields=[FieldSpec("title", "text", {"en": "Title"})]), user=admin)
        create_entity(EntitySpec("doc_line", {"en": "Line"}, {"en": "Lines"}, parent="x_doc",
                                 fields=[FieldSpec("what", "text", {"en": "What"})]), user=admin)
        doc = records.create("x_doc", {"title": "a", "lines": [{"what": "x"}, {"what": "y"}]}, user=admin)
        records.delete("x_doc", doc.id, user=admin)
        assert records.query("x_doc_line", user=admin).count().value == 0
        purge_record("x_doc", doc.id, user=admin)
        table = records.entity("x_doc_line").table
        assert session().scalar(select(func.count()).select_from(table)) == 0

