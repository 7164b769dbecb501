"""The record service: validation, access, optimistic locking, soft delete, audit, bulk calls."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from trato import Change, Money, PermissionRefused, RecordNotFound, StaleRecord, ValidationFailed, records
from trato.db import session
from trato.records.audit import AuditEntry
from trato.records.common import loader


def audit_of(entity: str, record_id: int) -> list[tuple[str, int | None, dict]]:
    rows = session().scalars(select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.record_id == record_id)
                             .order_by(AuditEntry.id))
    return [(row.action, row.user_id, row.changes) for row in rows]


def test_create_validates_every_field_and_names_the_culprits(ctx, ana):
    with pytest.raises(ValidationFailed) as refused:
        records.create("trade_deal", {"name": "  ", "stage": "maybe", "rating": "3", "closes_on": "31/12/2026",
                                      "amount": {"amount": "12", "currency": "ZZZ"}, "version": 7, "colour": "red"},
                       user=ana)
    assert refused.value.errors == {
        "name": ["This field is required."],
        "stage": ["Choose one of the offered options."],
        "rating": ["Enter a whole number."],
        "closes_on": ["Enter a date as YYYY-MM-DD."],
        "amount": {"currency": ["Enter a three-letter currency code such as EUR or USD."]},
        "version": ["Unknown field."],
        "colour": ["Unknown field."],
    }
    assert records.query("trade_deal", user=ana).count().value == 0


def test_create_fills_the_record_columns_and_rounds_money_half_up(ctx, ana):
    deal = records.create("trade_deal", {"name": "Acme", "amount": {"amount": "1200.005", "currency": "EUR"},
                                         "closes_on": "2026-12-31", "tags": ["big", "big", "q4"]}, user=ana)
    assert deal.entity == "trade_deal" and deal.version == 1
    assert (deal["owner_id"], deal["created_by"], deal["updated_by"]) == (ana.id, ana.id, ana.id)
    assert deal["created_at"] == deal["updated_at"] and deal["deleted_at"] is None
    assert deal["amount"] == Money(Decimal("1200.01"), "EUR")
    assert (deal["stage"], deal["closes_on"], deal["tags"]) == ("new", date(2026, 12, 31), ["big", "q4"])
    assert records.get("trade_deal", deal.id, user=ana) == deal
    deals = ctx.extensions["trato"].entities.get("trade_deal")
    assert deals.title_of(deal) == "Acme" and deals.title_of({"id": 7, "name": None}) == "#7"
    with pytest.raises(ValidationFailed) as refused:  # a required field with a default cannot be emptied
        records.update("trade_deal", deal.id, {"stage": None, "vip": True}, user=ana, version=None)
    assert refused.value.errors == {"stage": ["This field is required."], "vip": ["Unknown field."]}


def test_a_stale_write_is_refused_and_overwrites_nothing(ctx, ana):
    deal = records.create("trade_deal", {"name": "Acme"}, user=ana)
    mine = records.update("trade_deal", deal.id, {"name": "Acme 2027"}, user=ana, version=deal.version)
    assert mine.version == 2
    with pytest.raises(StaleRecord) as stale:
        records.update("trade_deal", deal.id, {"name": "Acme (old tab)"}, user=ana, version=deal.version)
    assert stale.value.current_version == 2
    assert records.get("trade_deal", deal.id, user=ana)["name"] == "Acme 2027"
    unchanged = records.update("trade_deal", deal.id, {"name": "Acme 2027"}, user=ana, version=2)
    assert unchanged.version == 2  # nothing changed, nothing written
    assert [a for a, _, _ in audit_of("trade_deal", deal.id)] == ["create", "update"]


def test_a_rep_sees_and_changes_only_their_own_records_and_ownership_changes_are_audited(ctx, ana, bruno, admin):
    deal = records.create("trade_deal", {"name": "Ana's"}, user=ana)  # ana and bruno are sales reps: scope own
    with pytest.raises(RecordNotFound):
        records.get("trade_deal", deal.id, user=bruno)
    with pytest.raises(RecordNotFound):
        records.update("trade_deal", deal.id, {"name": "Bruno's now"}, user=bruno, version=None)
    with pytest.raises(RecordNotFound):
        records.delete("trade_deal", deal.id, user=bruno)
    with pytest.raises(ValidationFailed) as refused:
        records.update("trade_deal", deal.id, {"owner_id": bruno.id}, user=ana, version=None)
    assert refused.value.errors == {"owner_id": ["Your role lets you give records only to yourself."]}
    moved = records.update("trade_deal", deal.id, {"owner_id": bruno.id}, user=admin, version=None)
    assert moved["owner_id"] == bruno.id
    assert records.update("trade_deal", deal.id, {"name": "Bruno's now"}, user=bruno, version=None)["name"] \
        == "Bruno's now"
    with pytest.raises(RecordNotFound):
        records.get("trade_deal", deal.id, user=ana)
    assert audit_of("trade_deal", deal.id)[1] == ("update", admin.id, {"owner_id": [ana.id, bruno.id]})


def test_a_read_only_user_sees_every_record_and_changes_none(ctx, ana, make_user):
    viewer = make_user(role="read_only", app=ctx)
    deal = records.create("trade_deal", {"name": "Ana's"}, user=ana)
    assert records.get("trade_deal", deal.id, user=viewer)["name"] == "Ana's"
    for action, call in [("edit", lambda: records.update("trade_deal", deal.id, {"name": "X"}, user=viewer,
                                                         version=None)),
                         ("delete", lambda: records.delete("trade_deal", deal.id, user=viewer)),
                         ("create", lambda: records.create("trade_deal", {"name": "Y"}, user=viewer))]:
        with pytest.raises(PermissionRefused, match=f"Your role does not allow you to {action} records of Deals."):
            call()
    assert [r["name"] for r in records.query("trade_deal", user=viewer).page().items] == ["Ana's"]


def test_relations_must_point_at_live_records(ctx, ana):
    acme = records.create("trade_account", {"name": "Acme"}, user=ana)
    records.delete("trade_account", acme.id, user=ana)
    with pytest.raises(ValidationFailed) as refused:
        records.create("trade_deal", {"name": "Orphan", "account_id": acme.id, "assignee_id": 999_999}, user=ana)
    assert refused.value.errors == {"account_id": [f"There is no such record (id {acme.id})."],
                                    "assignee_id": ["There is no such record (id 999999)."]}
    records.restore("trade_account", acme.id, user=ana)
    deal = records.create("trade_deal", {"name": "Adopted", "account_id": acme.id, "assignee_id": ana.id}, user=ana)
    assert deal["account_id"] == acme.id


def test_delete_goes_to_the_recycle_bin_and_restore_brings_it_back(ctx, ana):
    deal = records.create("trade_deal", {"name": "Acme"}, user=ana)
    with pytest.raises(StaleRecord):
        records.delete("trade_deal", deal.id, user=ana, version=deal.version + 1)
    records.delete("trade_deal", deal.id, user=ana, version=deal.version)
    with pytest.raises(RecordNotFound, match=f"No trade_deal record with id {deal.id}"):
        records.get("trade_deal", deal.id, user=ana)
    with pytest.raises(RecordNotFound):
        records.update("trade_deal", deal.id, {"name": "ghost"}, user=ana, version=None)
    back = records.restore("trade_deal", deal.id, user=ana)
    assert back["deleted_at"] is None and back.version == 3
    with pytest.raises(RecordNotFound):
        records.restore("trade_deal", deal.id, user=ana)  # not in the recycle bin any more


def test_the_audit_history_keeps_field_level_old_and_new_values(ctx, ana):
    deal = records.create("trade_deal", {"name": "Acme", "amount": {"amount": "10", "currency": "EUR"}}, user=ana)
    records.update("trade_deal", deal.id, {"amount": {"amount": "12.5", "currency": "EUR"}, "notes": "call back"},
                   user=ana, version=1)
    records.delete("trade_deal", deal.id, user=ana)
    back = records.restore("trade_deal", deal.id, user=None)
    created, updated, deleted, restored = audit_of("trade_deal", deal.id)
    assert created[:2] == ("create", ana.id)
    assert created[2]["name"] == [None, "Acme"] and created[2]["stage"] == [None, "new"]
    assert created[2]["amount"] == [None, {"amount": "10.00", "currency": "EUR"}]
    assert "notes" not in created[2] and "version" not in created[2]
    assert updated == ("update", ana.id, {"amount": [{"amount": "10.00", "currency": "EUR"},
                                                     {"amount": "12.50", "currency": "EUR"}],
                                          "notes": [None, "call back"]})
    assert deleted[0] == "delete" and deleted[2]["deleted_at"][0] is None
    assert restored == ("restore", None, {"deleted_at": [deleted[2]["deleted_at"][1], None]})
    assert back["deleted_at"] is None


def test_bulk_calls_are_all_or_nothing(ctx, ana, events):
    with pytest.raises(ValidationFailed) as refused:
        records.bulk_create("trade_account", [{"name": "A"}, {"name": ""}, {"name": "C", "employees": "many"}],
                            user=ana)
    assert refused.value.errors == {1: {"name": ["This field is required."]},
                                    2: {"employees": ["Enter a whole number."]}}
    assert records.query("trade_account", user=ana).count().value == 0
    made = records.bulk_create("trade_account", [{"name": n, "city": "Madrid"} for n in "ABC"], user=ana)
    assert [m["name"] for m in made] == ["A", "B", "C"] and len({m.id for m in made}) == 3
    with pytest.raises(StaleRecord):
        records.bulk_update("trade_account", [Change(made[0].id, {"city": "Lima"}, made[0].version),
                                              Change(made[1].id, {"city": "Lima"}, made[1].version + 1)], user=ana)
    assert {a["city"] for a in records.query("trade_account", user=ana).page().items} == {"Madrid"}
    with pytest.raises(ValidationFailed) as refused:
        records.bulk_update("trade_account", [Change(m.id, {"email": "nope"}) for m in made[:2]], user=ana)
    assert set(refused.value.errors) == {made[0].id, made[1].id}
    with pytest.raises(RecordNotFound) as missing:
        records.bulk_delete("trade_account", [made[0].id, 424242], user=ana)
    assert missing.value.ids == [424242]
    records.bulk_delete("trade_account", [m.id for m in made], user=ana)
    assert records.query("trade_account", user=ana).count().value == 0
    records.bulk_restore("trade_account", [m.id for m in made], user=ana)
    assert records.query("trade_account", user=ana).count().value == 3
    saved = [e for e in events if e[0] == "saved"]
    assert len(saved) == 3  # the refused bulk calls called no after_save


def test_reads_and_relation_checks_go_through_the_access_scope(ctx, ana, bruno):
    """Ana and Bruno are sales reps, whose scope is their own records."""
    theirs = records.create("trade_account", {"name": "Bruno's account"}, user=bruno)
    with pytest.raises(RecordNotFound):
        records.get("trade_account", theirs.id, user=ana)  # out of scope is not found, not forbidden
    assert records.query("trade_account", user=ana).count().value == 0
    with pytest.raises(ValidationFailed) as refused:
        records.create("trade_deal", {"name": "Sneaky", "account_id": theirs.id}, user=ana)
    assert refused.value.errors == {"account_id": [f"There is no such record (id {theirs.id})."]}
    with pytest.raises(RecordNotFound):
        records.update("trade_account", theirs.id, {"name": "Mine now"}, user=ana, version=None)


def test_a_bulk_create_gives_back_each_record_as_stored_in_the_order_sent(ctx, ana, events):
    """Many rows go in one statement and are read back by id: order, hook values, audit and hooks per record."""
    first = records.create("trade_deal", {"name": "before"}, user=ana)
    records.delete("trade_deal", first.id, user=ana)
    rows = [{"name": f"deal {n}", "stage": "won" if n % 3 == 0 else "new", "closes_on": f"2026-12-{n + 1:02d}",
             "amount": {"amount": str(n), "currency": "EUR"}, "tags": ["t", str(n)]} for n in range(25)]
    events.clear()
    made = records.bulk_create("trade_deal", rows, user=ana)
    assert [m["name"] for m in made] == [r["name"] for r in rows]
    assert [m.id for m in made] == sorted(m.id for m in made) and made[0].id > first.id
    assert all(m == records.get("trade_deal", m.id, user=ana) for m in made)
    assert [(m["stage"], m["probability"]) for m in made[:2]] == [("won", Decimal("100.00")), ("new", None)]
    assert [e for e in events if e[1] == "trade_deal"] == [("saved", "trade_deal", m.id, None) for m in made]
    action, user_id, diff = audit_of("trade_deal", made[3].id)[0]
    assert (action, user_id) == ("create", ana.id)
    assert diff == {"name": [None, "deal 3"], "stage": [None, "won"], "probability": [None, "100.00"],
                    "closes_on": [None, "2026-12-04"], "amount": [None, {"amount": "3.00", "currency": "EUR"}],
                    "tags": [None, ["t", "3"]], "owner_id": [None, ana.id]}


def test_the_row_loader_gives_what_the_schema_gives(ctx):
    """Rows are loaded field by field; a row with anything wrong is loaded (and refused) by the schema itself."""
    deals = ctx.extensions["trato"].entities.get("trade_deal")
    for schema in deals.schemas.values():
        load = loader(schema)
        for data in ({"name": " Acme ", "notes": "  ", "tags": ["a", "a"], "closes_on": "2026-01-31"},
                     {"name": "Acme", "amount": {"amount": "1.005", "currency": "EUR"}, "stage": "won"},
                     {"name": "Acme", "probability": None, "channels": []}):
            assert load(data) == schema.load(data)
        for data in ({"name": ""}, {"name": "Acme", "colour": "red"}, {"name": "Acme", "rating": "3"}, ["x"]):
            with pytest.raises(ValidationError) as ours:
                load(data)
            with pytest.raises(ValidationError) as theirs:
                schema.load(data)
            assert ours.value.messages == theirs.value.messages
