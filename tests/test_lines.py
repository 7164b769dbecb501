"""Lines: a parent and its child records written in one call, read, scoped, binned and audited with it."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from trato import Money, PermissionRefused, RecordNotFound, StaleRecord, ValidationFailed, records
from trato.db import session
from trato.records.audit import AuditEntry
from trato.records.purge import purge_record
from trato_ledger import plugin as ledger_plugin

LINE = "ledger_order_line"


@pytest.fixture
def ledger_app(make_app):
    return make_app(plugins=["ledger"], extra_plugins={"ledger": ledger_plugin})


@pytest.fixture
def ctx(ledger_app):
    with ledger_app.app_context():
        yield ledger_app


@pytest.fixture
def ana(make_user, ledger_app):
    return make_user(name="Ana Pérez", app=ledger_app)


@pytest.fixture
def bruno(make_user, ledger_app):
    return make_user(name="Bruno Díaz", app=ledger_app)


def eur(amount: str) -> dict:
    return {"amount": amount, "currency": "EUR"}


def order(user, *lines, name="A-1"):
    return records.create("ledger_order", {"name": name, "lines": list(lines)}, user=user)


def values(user, order_id, *names):
    return [tuple(line[n] for n in names) for line in records.lines("ledger_order", order_id, user=user)[LINE]]


def test_create_writes_the_parent_and_its_lines_in_order_with_totals_half_up(ctx, ana):
    made = order(ana, {"description": "Chairs", "quantity": "3", "unit_price": eur("10.01"), "discount": "10"},
                 {"description": "Table", "quantity": "1", "unit_price": eur("99.99")})
    assert made["total"] == Money(Decimal("127.02"), "EUR")  # 3 × 10.01 less 10 % = 27.027
    got = records.lines("ledger_order", made.id, user=ana)
    assert list(got) == [LINE]
    assert [(line["description"], line["position"], line["parent_id"], line["total"]) for line in got[LINE]] == [
        ("Chairs", 1, made.id, Money(Decimal("27.03"), "EUR")),
        ("Table", 2, made.id, Money(Decimal("99.99"), "EUR"))]
    assert all(line["owner_id"] is None for line in got[LINE])  # a line has no owner of its own


def test_update_replaces_the_list_changes_adds_removes_and_reorders_under_the_parents_version(ctx, ana):
    made = order(ana, {"description": "a", "quantity": "1", "unit_price": eur("1")},
                 {"description": "b", "quantity": "2", "unit_price": eur("1")},
                 {"description": "c", "quantity": "3", "unit_price": eur("1")})
    a, b, c = records.lines("ledger_order", made.id, user=ana)[LINE]
    changed = records.update("ledger_order", made.id, {"lines": [
        {"id": c.id, "quantity": "5"}, {"description": "d", "quantity": "1", "unit_price": eur("2")}, {"id": a.id},
    ]}, user=ana, version=made.version)
    assert changed.version == made.version + 1
    added = values(ana, made.id, "id")[1][0]
    assert values(ana, made.id, "id", "description", "quantity", "position") == [
        (c.id, "c", Decimal("5"), 1), (added, "d", Decimal("1"), 2), (a.id, "a", Decimal("1"), 3)]
    assert changed["total"] == Money(Decimal("8.00"), "EUR")
    assert records.query(LINE, user=ana).where({"id": b.id}).count().value == 0  # removed for good


def test_a_stale_parent_version_writes_nothing(ctx, ana):
    made = order(ana, {"description": "a", "quantity": "1"})
    line = records.lines("ledger_order", made.id, user=ana)[LINE][0]
    records.update("ledger_order", made.id, {"name": "A-2"}, user=ana, version=made.version)
    with pytest.raises(StaleRecord):
        records.update("ledger_order", made.id, {"lines": [{"id": line.id, "quantity": "9"}]}, user=ana,
                       version=made.version)
    assert values(ana, made.id, "quantity") == [(Decimal("1"),)]


def test_a_stale_line_version_writes_nothing(ctx, ana):
    made = order(ana, {"description": "a", "quantity": "1"})
    line = records.lines("ledger_order", made.id, user=ana)[LINE][0]
    now = records.update("ledger_order", made.id, {"lines": [{"id": line.id, "quantity": "2"}]}, user=ana,
                         version=made.version)
    with pytest.raises(StaleRecord):
        records.update("ledger_order", made.id, {"name": "B", "lines": [
            {"id": line.id, "version": line.version, "quantity": "7"}]}, user=ana, version=now.version)
    assert records.get("ledger_order", made.id, user=ana)["name"] == "A-1"
    assert values(ana, made.id, "quantity") == [(Decimal("2"),)]


def test_errors_name_the_line_and_the_field_and_nothing_is_written(ctx, ana):
    with pytest.raises(ValidationFailed) as refused:
        order(ana, {"description": "ok", "quantity": "1"}, {"description": "x"},
              {"quantity": "lots", "colour": "red"}, name="")
    assert refused.value.errors == {"name": ["This field is required."], "lines": {
        1: {"quantity": ["This field is required."]},
        2: {"quantity": ["Enter a number, such as 1234.56."], "colour": ["Unknown field."]}}}
    assert records.query("ledger_order", user=ana).count().value == 0
    assert records.query(LINE, user=ana).count().value == 0


def test_a_line_of_another_parent_is_refused_by_name(ctx, ana):
    first = order(ana, {"description": "mine", "quantity": "1"})
    other = order(ana, {"description": "theirs", "quantity": "1"}, name="B-1")
    theirs = records.lines("ledger_order", other.id, user=ana)[LINE][0]
    with pytest.raises(ValidationFailed) as refused:
        records.update("ledger_order", first.id, {"lines": [{"id": theirs.id, "quantity": "4"}]}, user=ana,
                       version=first.version)
    assert refused.value.errors == {"lines": {0: {"id": [f"Line {theirs.id} is not a line of this record."]}}}
    assert values(ana, other.id, "quantity") == [(Decimal("1"),)]
    assert values(ana, first.id, "description") == [("mine",)]


def test_a_line_without_its_parent_and_lines_where_there_are_none_are_refused(ctx, ana):
    with pytest.raises(PermissionRefused, match="without its parent"):
        records.create(LINE, {"quantity": "1"}, user=ana)
    with pytest.raises(PermissionRefused, match="without its parent"):
        records.create(LINE, {"quantity": "1"}, user=None)
    with pytest.raises(ValidationFailed) as refused:
        records.create("ledger_product", {"name": "Chair", "lines": []}, user=ana)
    assert refused.value.errors == {"lines": ["Products have no lines."]}
    with pytest.raises(ValidationFailed) as refused:
        records.create("ledger_order", {"name": "x", "lines": "many"}, user=ana)
    assert refused.value.errors == {"lines": ["Give the lines as a list of objects of field values."]}
    assert records.query("ledger_product", user=ana).count().value == 0


def test_lines_follow_their_parents_scope(ctx, ana, bruno):
    mine = order(ana, {"description": "ana's", "quantity": "1"})
    order(bruno, {"description": "bruno's", "quantity": "1"}, name="B-1")
    assert [r["description"] for r in records.query(LINE, user=ana).page().items] == ["ana's"]
    with pytest.raises(RecordNotFound):
        records.lines("ledger_order", mine.id, user=bruno)
    line = records.lines("ledger_order", mine.id, user=ana)[LINE][0]
    with pytest.raises(RecordNotFound):
        records.get(LINE, line.id, user=bruno)
    assert records.get(LINE, line.id, user=ana)["description"] == "ana's"
    with pytest.raises(RecordNotFound):
        records.update("ledger_order", mine.id, {"lines": []}, user=bruno, version=None)
    assert values(ana, mine.id, "description") == [("ana's",)]


def test_lines_hide_with_their_parent_in_the_bin_come_back_with_it_and_go_with_its_purge(ctx, ana):
    made = order(ana, {"description": "a", "quantity": "1"}, {"description": "b", "quantity": "2"})
    records.delete("ledger_order", made.id, user=ana)
    assert records.query(LINE, user=ana).count().value == 0
    assert records.query(LINE, user=None).count().value == 0
    records.restore("ledger_order", made.id, user=ana)
    assert values(ana, made.id, "description") == [("a",), ("b",)]
    records.delete("ledger_order", made.id, user=ana)
    purge_record("ledger_order", made.id, user=None)
    table = records.entity(LINE).table
    assert session().execute(select(table.c.id)).all() == []


def test_line_changes_are_written_on_the_parents_history(ctx, ana):
    made = order(ana, {"description": "a", "quantity": "1"}, {"description": "b", "quantity": "1"})
    first, second = records.lines("ledger_order", made.id, user=ana)[LINE]
    records.update("ledger_order", made.id, {"lines": [{"id": first.id}, {"id": second.id, "quantity": "3"}]},
                   user=ana, version=made.version)
    entries = session().scalars(select(AuditEntry).where(AuditEntry.entity == "ledger_order")
                                .order_by(AuditEntry.id)).all()
    assert entries[0].changes[f"{LINE}#2.description"] == [None, "b"]
    assert entries[-1].changes == {f"{LINE}#2.quantity": ["1.000", "3.000"]}
    assert session().scalars(select(AuditEntry).where(AuditEntry.entity == LINE)).all() == []


def test_nothing_changed_keeps_the_version(ctx, ana):
    made = order(ana, {"description": "a", "quantity": "1"})
    line = records.lines("ledger_order", made.id, user=ana)[LINE][0]
    same = records.update("ledger_order", made.id, {"lines": [dict(line)]}, user=ana, version=made.version)
    assert same.version == made.version


def test_concurrent_line_edits_one_wins_the_other_is_stale(ledger_app, ana):
    with ledger_app.app_context():
        made = order(ana, {"description": "a", "quantity": "1"})
        line = records.lines("ledger_order", made.id, user=ana)[LINE][0]
    barrier, outcomes = threading.Barrier(2), []

    def edit(quantity: str) -> None:
        with ledger_app.app_context():
            barrier.wait()
            try:
                records.update("ledger_order", made.id, {"lines": [{"id": line.id, "quantity": quantity}]},
                               user=None, version=made.version)
                outcomes.append(quantity)
            except StaleRecord:
                outcomes.append("stale")

    threads = [threading.Thread(target=edit, args=(q,)) for q in ("2", "3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[1] == "stale" and sorted(outcomes)[0] in ("2", "3")
    with ledger_app.app_context():
        assert values(None, made.id, "quantity") == [(Decimal(sorted(outcomes)[0]),)]
        assert records.get("ledger_order", made.id, user=None).version == made.version + 1



def test_the_history_reads_line_changes_by_line_and_field(ctx, ana):
    from trato.activity.changes import readable

    made = order(ana, {"description": "a", "quantity": "1"}, {"description": "b", "quantity": "1"})
    first, second = records.lines("ledger_order", made.id, user=ana)[LINE]
    records.update("ledger_order", made.id, {"lines": [{"id": first.id}, {"id": second.id, "quantity": "3"}]},
                   user=ana, version=made.version)
    last = session().scalars(select(AuditEntry).where(AuditEntry.entity == "ledger_order")
                             .order_by(AuditEntry.id.desc())).first()
    shown = readable(records.entity("ledger_order"), [last.changes], ana)[0]
    assert list(shown.values()) == [("Line 2 · Quantity", "1", "3")]


def test_a_line_id_or_version_that_is_no_number_is_refused_at_its_line(ctx, ana):
    made = order(ana, {"description": "a", "quantity": "1"})
    line = records.lines("ledger_order", made.id, user=ana)[LINE][0]
    with pytest.raises(ValidationFailed) as refused:
        records.update("ledger_order", made.id, {"lines": [{"id": []}, {"id": line.id, "version": "x"}]}, user=ana,
                       version=made.version)
    assert refused.value.errors == {"lines": {0: {"id": ["Give the id of a line as a whole number."]},
                                              1: {"version": ["Give the version of a line as a whole number."]}}}
