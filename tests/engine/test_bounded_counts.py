"""Counts never read more than the page they label when no index serves the filter (records/count.py)."""
from __future__ import annotations

import importlib

import pytest
from sqlalchemy import select, text

from trato import db, engine, records
from trato.records.count import plan

record_query = importlib.import_module("trato.records.query")  # the module; records.query is the function

POSTGRESQL = "postgresql"


@pytest.fixture
def deals_60(ctx, ana):
    """60 deals: 30 named "Scan …" (found by `contains`, which no index serves), 12 of them won."""
    records.bulk_create("trade_deal", [
        {"name": f"{'Scan' if i % 2 else 'Other'} {i:02}", "stage": "won" if i % 5 == 1 else "new"}
        for i in range(60)], user=ana)
    if engine().dialect.name == POSTGRESQL:  # eight-row-page tables: make the planner take an index where one serves
        db.session().execute(text("SET LOCAL enable_seqscan = off"))
    return ana


def deals(user):
    return records.query("trade_deal", user=user)


def test_the_plan_tells_a_scan_from_an_index(deals_60):
    table = deals(deals_60).entity.table
    scanning = select(table.c.id).where(*deals(deals_60).where({"name__contains": "scan"}).conditions)
    indexed = select(table.c.id).where(*deals(deals_60).where({"stage": "won"}).conditions)
    assert plan(db.session(), scanning, table).scans
    assert not plan(db.session(), indexed, table).scans
    if engine().dialect.name == POSTGRESQL:
        assert plan(db.session(), indexed, table).estimate is not None


def test_an_unindexed_filter_is_counted_no_further_than_its_page(deals_60):
    query = deals(deals_60).where({"name__contains": "scan"})
    page = query.page(limit=10)
    counted = query.count(threshold=20, page=page)
    assert not counted.exact
    if engine().dialect.name == POSTGRESQL:
        assert counted.kind == "estimate" and counted.value >= 11
    else:  # SQLite: no estimate, so what the page proved: more than 10
        assert (counted.kind, counted.value, counted.floor) == ("at_least", 11, 10)
    # Without a page, a page's worth is counted: 30 matches are under records.count.SCAN_CAP.
    alone = query.count(threshold=20)
    assert alone.kind == ("estimate" if engine().dialect.name == POSTGRESQL else "exact")
    if engine().dialect.name != POSTGRESQL:
        assert alone.value == 30


def test_an_indexed_filter_and_a_small_table_are_counted_exactly(deals_60):
    won = deals(deals_60).where({"stage": "won"})
    assert won.count(threshold=20, page=won.page(limit=5)) == records.Count(12, "exact")
    scanning = deals(deals_60).where({"name__contains": "scan"})
    assert scanning.count(threshold=100, page=scanning.page(limit=10)) == records.Count(30, "exact")


def test_past_the_threshold_sqlite_says_more_than(deals_60):
    everything = deals(deals_60).count(threshold=20)
    if engine().dialect.name == POSTGRESQL:
        assert everything.kind == "estimate"
    else:
        assert (everything.kind, everything.floor) == ("at_least", 20)


def test_the_list_page_says_more_than_or_about_in_either_language(trade_app, client_as, ana, monkeypatch):
    with trade_app.app_context():
        records.bulk_create("trade_deal", [{"name": f"Scan {i:02}"} for i in range(60)], user=None)
        records.bulk_create("trade_deal", [{"name": f"Other {i:02}"} for i in range(10)], user=None)
    monkeypatch.setattr(record_query, "COUNT_THRESHOLD", 20)
    client = client_as("admin")
    english = client.get("/r/trade_deal/?name__contains=scan").get_data(as_text=True)
    spanish = client.get("/r/trade_deal/?name__contains=scan", headers={"Accept-Language": "es"}).get_data(as_text=True)
    with trade_app.app_context():
        postgresql = engine().dialect.name == POSTGRESQL
    if postgresql:
        assert "About " in english and "Unos " in spanish
    else:
        assert "More than 50 records" in english
        assert "Más de 50 registros" in spanish
    if not postgresql:  # an index serves the stage: counted to the threshold
        assert "More than 20 records" in client.get("/r/trade_deal/?stage=new").get_data(as_text=True)
