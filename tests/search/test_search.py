"""Free-text search: the database's own index answers, every write path keeps it right, results are scoped."""
from __future__ import annotations

import re

import pytest

from sqlalchemy import select, text

from trato import db, records, schema
from trato.schema import EntitySpec, FieldSpec
from trato.search import indexes


def _titles(page: str) -> list[str]:
    return re.findall(r'<a href="/r/[a-z_]+/\d+">([^<]+)</a>', page)


def test_global_search_groups_matches_by_entity(trade_app, client_as, make_record):
    make_record("trade_account", name="García Motor", city="Madrid")
    make_record("trade_account", name="Otra Empresa", city="Sevilla")
    make_record("trade_deal", name="Renting García", stage="new")
    page = client_as("admin").get("/search/?q=garc").get_data(as_text=True)
    assert "García Motor" in page and "Renting García" in page
    assert "Otra Empresa" not in page
    assert page.index("Accounts") < page.index("García Motor") < page.index("Deals")


def test_search_matches_word_prefixes_without_accents(trade_app, make_record):
    make_record("trade_account", name="Pérez Álvarez Hermanos", city="Ávila")
    make_record("trade_account", name="Perales", city="Toledo")
    with trade_app.app_context():
        found = {r["name"] for r in records.query("trade_account", user=None).search("perez").page().items}
        assert "Pérez Álvarez Hermanos" in found
        both = {r["name"] for r in records.query("trade_account", user=None).search("pera").page().items}
        assert both == {"Perales"}


def test_the_index_follows_updates_deletes_and_raw_sql(trade_app, make_record):
    account = make_record("trade_account", name="Alfa Uno", city="Madrid")
    with trade_app.app_context():
        records.update("trade_account", account.id, {"name": "Beta Dos"}, user=None, version=account.version)
        names = lambda q: {r["name"] for r in records.query("trade_account", user=None).search(q).page().items}  # noqa: E731
        assert names("alfa") == set()
        assert names("beta") == {"Beta Dos"}
        session = db.session()
        session.execute(text("UPDATE trade_account SET name = 'Gamma Tres' WHERE id = :i"), {"i": account.id})
        session.commit()
        assert names("gamma") == {"Gamma Tres"}


def test_a_custom_entity_gets_an_index_that_follows_its_search_fields(trade_app):
    with trade_app.app_context():
        made = schema.create_entity(EntitySpec(
            name="vehicle", label={"en": "Vehicle", "es": "Vehículo"}, plural={"en": "Vehicles", "es": "Vehículos"},
            fields=[FieldSpec(name="plate", type="text", label={"en": "Plate"}),
                    FieldSpec(name="model", type="text", label={"en": "Model"})],
            search_fields=["plate", "model"]))
        conn = db.session().connection()

        def search_index() -> str:
            """The definition of the table's one search index on PostgreSQL (the search fields as one text)."""
            [found] = db.session().execute(text(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'x_vehicle' AND schemaname = current_schema() "
                "AND indexname LIKE 'ix_x_vehicle_search_%_trgm'")).scalars().all()
            return found

        if conn.dialect.name == "sqlite":
            assert indexes.indexed(conn, made)
        else:
            assert "plate" in search_index() and "model" in search_index()
        records.create(made.name, {"plate": "1234 KLM", "model": "Seat Ibiza"}, user=None)
        assert [r["model"] for r in records.query(made.name, user=None).search("ibiz").page().items] == ["Seat Ibiza"]
        assert [r["model"] for r in records.query(made.name, user=None).search("seat 1234").page().items] \
            == ["Seat Ibiza"]  # two words, each in another field
        # Dropping a search field drops it from the index too, and search still works on the rest.
        schema.delete_field(made.name, "model")
        assert [r["plate"] for r in records.query(made.name, user=None).search("1234").page().items] == ["1234 KLM"]
        if conn.dialect.name != "sqlite":
            assert "plate" in search_index() and "model" not in search_index()


def test_search_is_scoped_to_what_the_user_may_see(trade_app, make_user, client_as, make_record):
    ana, bruno = make_user(name="Ana"), make_user(name="Bruno")
    make_record("trade_account", owner=ana, name="Cuenta de Ana")
    make_record("trade_account", owner=bruno, name="Cuenta de Bruno")
    page = client_as(ana).get("/search/?q=cuenta").get_data(as_text=True)
    assert "Cuenta de Ana" in page
    assert "Cuenta de Bruno" not in page


def test_on_postgresql_several_words_are_looked_up_in_one_index(trade_app, make_record):
    """Each word is matched against the search fields as one text, so the planner combines lookups of one index
    and folds each candidate once per word, not once per field and word."""
    make_record("trade_account", name="Transportes García", city="Zaragoza")
    with trade_app.app_context():
        conn = db.session().connection()
        if conn.dialect.name != "postgresql":
            pytest.skip("SQLite's FTS5 table answers every word")
        query = records.query("trade_account", user=None).search("transportes zarag")
        table = trade_app.extensions["trato"].entities.get("trade_account").table
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(conn.execute(text("EXPLAIN " + str(select(table.c.id).where(*query.conditions).compile(
            conn, compile_kwargs={"literal_binds": True})))).scalars())
        assert "ix_trade_account_search_" in plan and "_trgm" in plan, plan
        assert [r["name"] for r in query.page().items] == ["Transportes García"]
