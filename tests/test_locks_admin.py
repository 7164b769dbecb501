"""Locks of a custom entity set on its admin screen, and of a document's lines (records/locks.py, docs/locks.md)."""
from __future__ import annotations

import pytest

from trato import RecordLocked, TratoError, records
from trato.entities.lock_rules import LockRule
from trato.schema import EntitySpec, FieldSpec, change_entity, create_entity


@pytest.fixture
def admin(trade_app, make_user):
    return make_user(admin=True, name="Alba Admin", app=trade_app)


def make(app, entity: str, user, **values):
    with app.app_context():
        return records.create(entity, values, user=user)


def test_an_admin_sets_a_lock_rule_on_a_custom_entity_screen(trade_app, admin, client_as):
    with trade_app.app_context():
        create_entity(EntitySpec("contract", {"en": "Contract"}, {"en": "Contracts"}, [
            FieldSpec("title", "text", {"en": "Title"}, required=True),
            FieldSpec("status", "select", {"en": "Status"}, options=[
                {"value": "draft", "label": {"en": "Draft"}}, {"value": "signed", "label": {"en": "Signed"}}])],
            title_field="title"), user=admin)
    client = client_as(admin)
    screen = client.get("/admin/entities/x_contract").get_data(as_text=True)
    assert "Lock records" in screen and 'value="status:signed"' in screen
    saved = client.post("/admin/entities/x_contract/lock", data={"lock-rule": ["status:signed"]})
    assert saved.status_code == 302
    contract = make(trade_app, "x_contract", admin, title="Lease", status="signed")
    draft = make(trade_app, "x_contract", admin, title="Draft lease", status="draft")
    with trade_app.app_context():
        assert isinstance(records.entity("x_contract").locked, LockRule)
        with pytest.raises(RecordLocked, match=r"Contract “Lease” is locked \(Status is Signed\)"):
            records.update("x_contract", contract.id, {"title": "Lease 2"}, user=admin, version=None)
        assert records.update("x_contract", draft.id, {"title": "Draft 2"}, user=admin, version=None)["title"] \
            == "Draft 2"
    bad = client.post("/admin/entities/x_contract/lock", data={"lock-rule": ["title:Lease"]})
    assert bad.status_code == 422 and "A lock rule names a select or yes/no field" in bad.get_data(as_text=True)
    cleared = client.post("/admin/entities/x_contract/lock", data={})
    assert cleared.status_code == 302
    with trade_app.app_context():
        assert records.update("x_contract", contract.id, {"title": "Lease 2"}, user=admin, version=None)["title"] \
            == "Lease 2"
        with pytest.raises(TratoError, match="Choose one or more values of Status that lock a record."):
            change_entity("x_contract", {"lock_rule": {"field": "status", "values": ["nope"]}}, user=admin)
        with pytest.raises(TratoError, match="A lock rule names a select or yes/no field"):
            change_entity("x_contract", {"lock_rule": {"field": "title", "values": ["Lease"]}}, user=admin)


def test_the_lines_of_a_locked_document_are_locked_with_it(make_app, make_user):
    """An order (the ledger sample's, with lines) named "Frozen …" is locked by trade's `record_lock` hook: its lines
    can be neither changed nor removed, while its unlocked-free name change is refused too."""
    from tests.conftest import sample

    app = make_app(plugins=["trade", "ledger"], extra_plugins={"trade": sample("trade"), "ledger": sample("ledger")})
    user = make_user(admin=True, app=app)
    with app.app_context():
        order = records.create("ledger_order", {"name": "Frozen order", "lines": [
            {"description": "Chair", "quantity": "2"}, {"description": "Desk", "quantity": "1"}]}, user=user)
        line = records.lines("ledger_order", order.id, user=user)["ledger_order_line"][0]
        for lines in ([{"id": line.id, "quantity": "9"}], [{"id": line.id}]):  # a changed line; a removed one
            with pytest.raises(RecordLocked, match=r"Order “Frozen order” is locked \(it is frozen\)"):
                records.update("ledger_order", order.id, {"lines": lines}, user=user, version=order.version)
        assert records.lock_reason(records.entity("ledger_order_line"), line) == "it is frozen"
        with pytest.raises(RecordLocked):
            records.delete("ledger_order", order.id, user=user)
        kept = records.lines("ledger_order", order.id, user=user)["ledger_order_line"]
        assert [(r["description"], r["quantity"]) for r in kept] == [("Chair", 2), ("Desk", 1)]


def test_an_admin_adds_a_link_field_restricted_to_one_entity(trade_app, admin, client_as):
    """The admin screen's "Points at" restricts a new link field to that entity (setting `entities`)."""
    with trade_app.app_context():
        create_entity(EntitySpec("visit", {"en": "Visit"}, {"en": "Visits"},
                                 [FieldSpec("title", "text", {"en": "Title"})], title_field="title"), user=admin)
    added = client_as(admin).post("/admin/entities/x_visit/fields", data={
        "field-name": "about", "field-label_en": "About", "field-type": "record_link", "field-target": "trade_deal"})
    assert added.status_code == 302
    deal = make(trade_app, "trade_deal", admin, name="Renewal")
    account = make(trade_app, "trade_account", admin, name="Acme")
    with trade_app.app_context():
        field = records.entity("x_visit").fields["about"]
        assert field.settings == {"entities": ["trade_deal"]}
        visit = records.create("x_visit", {"title": "Call", "about": {"entity": "trade_deal", "id": deal.id}},
                               user=admin)
        assert visit["about"].id == deal.id
        with pytest.raises(records.ValidationFailed):
            records.create("x_visit", {"about": {"entity": "trade_account", "id": account.id}}, user=admin)
