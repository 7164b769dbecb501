"""Global search finds a phone number however it is typed: digits alone, with a prefix, dashes or spaces."""
from __future__ import annotations

import pytest

from trato import db, records


@pytest.mark.parametrize("typed", ["976200101", "+34976200101", "976-200-101", "0034 976200101"[4:]])
def test_a_phone_number_is_found_by_its_digits(trade_app, client_as, make_record, typed):
    make_record("trade_account", name="Grupo Ruiz", phone="+34 976 200 101")
    make_record("trade_account", name="Talleres Sol", phone="+34 976 512 301")
    page = client_as("admin").get("/search/", query_string={"q": typed}).get_data(as_text=True)
    assert "Grupo Ruiz" in page and "Talleres Sol" not in page


def test_words_and_a_number_must_all_match(trade_app, make_record):
    make_record("trade_account", name="Grupo Ruiz", city="Zaragoza", phone="+34 976 200 101")
    make_record("trade_account", name="Ruiz Bilbao", city="Bilbao", phone="+34 944 200 101")
    with trade_app.app_context():
        found = records.query("trade_account", user=None).search("Ruiz 976200101").page().items
        assert [r["name"] for r in found] == ["Grupo Ruiz"]
        assert records.query("trade_account", user=None).search("20010").page().items == []  # too short for a number


def test_on_postgresql_the_digits_of_each_phone_field_are_indexed_and_read(trade_app, make_record):
    """The query's digits expression is the index's, so the planner reads the index rather than every row."""
    from sqlalchemy import select, text

    make_record("trade_account", name="Grupo Ruiz", phone="+34 976 200 101")
    with trade_app.app_context():
        conn = db.session().connection()
        if conn.dialect.name != "postgresql":
            pytest.skip("SQLite compares the digits of each row")
        indexes = dict(conn.execute(text("SELECT indexname, indexdef FROM pg_indexes "
                                         "WHERE tablename = 'trade_account' AND indexname LIKE '%digits%'")).all())
        assert list(indexes) == ["ix_trade_account_phone_digits_trgm"]
        assert "replace(" in indexes["ix_trade_account_phone_digits_trgm"]
        query = records.query("trade_account", user=None).search("976200101")
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        compiled = select(trade_app.extensions["trato"].entities.get("trade_account").table.c.id).where(
            *query.conditions)
        plan = "\n".join(row[0] for row in conn.execute(text("EXPLAIN " + str(compiled.compile(
            conn, compile_kwargs={"literal_binds": True})))))
        assert "ix_trade_account_phone_digits_trgm" in plan, plan
        assert [r["name"] for r in query.page().items] == ["Grupo Ruiz"]
