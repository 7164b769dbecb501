"""Text sorts by the reader's language (Spanish rules in Spanish), pages by keyset in that order, from an index."""
from __future__ import annotations

import pytest
from sqlalchemy import event, text

from trato import QueryError, collation, engine, records, tokens
from trato.models import User
from trato.records.sort_indexes import index_name

NAMES = ["Transportes Ruiz", "Álvarez Hermanos", "Shah Imports", "Sáenz y Cía", "Nuño Textil", "Nuzo Bar",
         "ábaco", "Abad", "Zurita", "Ñandú Viajes", "Oca Ediciones", "álvarez hermanos"]
SPANISH = ["ábaco", "Abad", "álvarez hermanos", "Álvarez Hermanos", "Nuño Textil", "Nuzo Bar", "Ñandú Viajes",
           "Oca Ediciones", "Sáenz y Cía", "Shah Imports", "Transportes Ruiz", "Zurita"]
# In Spanish ñ is a letter after n ("Ñandú" after "Nuzo"); in English an n with a mark, among the "Na…".
ENGLISH = ["ábaco", "Abad", "álvarez hermanos", "Álvarez Hermanos", "Ñandú Viajes", "Nuño Textil", "Nuzo Bar",
           "Oca Ediciones", "Sáenz y Cía", "Shah Imports", "Transportes Ruiz", "Zurita"]


def test_sort_keys_put_accented_letters_with_their_base_letter_and_spanish_n_tilde_after_n():
    assert sorted(NAMES, key=collation.key_es) == SPANISH
    assert sorted(NAMES, key=collation.key_en) == ENGLISH
    assert collation.key_es("Sáenz") < collation.key_es("Shah") and collation.key_en("Álvarez") < collation.key_en("B")
    assert collation.language_of("es_ES") == "es" and collation.language_of("fr") == "en"


@pytest.fixture
def accounts(ctx, admin):
    records.bulk_create("trade_account", [{"name": name} for name in NAMES], user=admin)


def listed(user, sort: str, limit: int = 100) -> list[str]:
    """Every account's name, read page by page following the cursors."""
    seen, cursor = [], None
    while True:
        page = records.query("trade_account", user=user).order_by(sort).page(limit=limit, cursor=cursor)
        seen += [r["name"] for r in page.items]
        if not (cursor := page.next_cursor):
            return seen


@pytest.mark.parametrize("locale, expected", [("es", SPANISH), ("en", ENGLISH)])
def test_lists_sort_by_the_language_of_the_reader_and_pages_follow_that_order(accounts, admin, locale, expected):
    admin.locale = locale
    assert listed(admin, "name") == expected
    assert listed(admin, "name", limit=2) == expected
    assert listed(admin, "-name", limit=3) == expected[::-1]


def test_the_request_language_decides_and_the_api_sorts_the_same_way(trade_app, accounts, admin):
    client = trade_app.test_client()
    with trade_app.extensions["trato"].sessionmaker() as session:
        _token, secret = tokens.create(session, session.get(User, admin.id), "collation test", tokens.READ, None)
        session.commit()
    for language, expected in (("es-ES", SPANISH), ("en-GB", ENGLISH)):
        with trade_app.test_request_context(headers={"Accept-Language": language}):
            assert [r["name"] for r in records.query("trade_account", user=admin).order_by("name")
                    .page(limit=100).items] == expected
        got = client.get("/api/v1/trade_account?sort=name&limit=5",
                         headers={"Authorization": f"Bearer {secret}", "Accept-Language": language}).get_json()
        assert [r["name"] for r in got["data"]] == expected[:5]


def _page_sql(user, sort: str, cursor: str | None = None) -> tuple[str, object]:
    """The statement and parameters a page of accounts is read with."""
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if "trade_account" in statement and "ORDER BY" in statement:
            seen.append((statement, parameters))

    event.listen(engine(), "before_cursor_execute", keep)
    try:
        records.query("trade_account", user=user).order_by(sort).page(limit=2, cursor=cursor)
    finally:
        event.remove(engine(), "before_cursor_execute", keep)
    return seen[0]


@pytest.mark.parametrize("locale, sort", [("es", "name"), ("en", "-name"), ("es", "-city")])
def test_a_page_sorted_by_text_reads_the_collated_index(accounts, admin, locale, sort):
    """The title, and a filterable text field (city), each in the reader's collation."""
    admin.locale = locale
    records.bulk_create("trade_account", [{"name": "X", "city": city} for city in ("Ávila", "Zamora", "Écija")],
                        user=admin)
    cursor = records.query("trade_account", user=admin).order_by(sort).page(limit=2).next_cursor
    wanted = index_name("trade_account", sort.lstrip("-"), language=locale)
    for statement, params in (_page_sql(admin, sort), _page_sql(admin, sort, cursor)):
        with engine().connect() as conn:
            if conn.dialect.name == "sqlite":
                plan = " | ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
                assert wanted in plan and "TEMP B-TREE" not in plan, plan
            else:
                conn.execute(text("SET LOCAL enable_seqscan = off"))  # a dozen rows: make the choice an index's
                conn.execute(text("SET LOCAL enable_sort = off"))
                plan = " | ".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, params))
                assert f"Index Scan Backward using {wanted}" in plan if sort.startswith("-") else \
                    f"Index Scan using {wanted}" in plan, plan
                assert "Sort" not in plan.replace("Sort Key", ""), plan


def test_a_cursor_made_in_one_language_is_refused_in_another(accounts, admin):
    """The order differs (ñ), so a page after it would skip or repeat records: start again instead."""
    admin.locale = "en"
    cursor = records.query("trade_account", user=admin).order_by("name").page(limit=2).next_cursor
    admin.locale = "es"
    with pytest.raises(QueryError) as refused:
        records.query("trade_account", user=admin).order_by("name").page(limit=2, cursor=cursor)
    assert refused.value.field == "cursor" and "another sort order" in str(refused.value)
