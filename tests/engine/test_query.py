"""The query builder: filters, related filters, search, sort, keyset pages, counts, and its refusals."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event

from trato import QueryError, engine, records
from trato.records import Condition, Group, from_json


@pytest.fixture
def book(ctx, ana):
    """Three accounts and eight deals with a spread of values, some empty."""
    madrid, lima, quito = records.bulk_create("trade_account", [
        {"name": "Acme Ibérica", "city": "Madrid", "country": "es"},
        {"name": "Andes Trading", "city": "Lima"},
        {"name": "Quito 100% Café", "city": None},
    ], user=ana)
    rows = [
        ("Alpha", madrid, "won", "500.00", ["big"], ["web"], "2026-01-10"),
        ("Bravo", madrid, "new", "1500.50", ["big", "q4"], ["phone"], "2026-02-10"),
        ("Charlie", lima, "lost", "1500.50", None, ["web", "email"], None),
        ("Delta", lima, "new", None, ["q4"], None, "2026-03-10"),
        ("Echo", None, "new", "99.99", None, None, "2026-01-10"),
        ("Foxtrot", quito, "won", "20000", ["vip"], ["email"], "2026-04-01"),
        ("Golf", madrid, "new", "0.01", None, ["phone"], None),
        ("Hotel", None, "lost", None, None, None, "2026-05-05"),
    ]
    records.bulk_create("trade_deal", [
        {"name": name, "account_id": account.id if account else None, "stage": stage,
         "amount": {"amount": amount, "currency": "EUR"} if amount else None, "tags": tags, "channels": channels,
         "closes_on": closes} for name, account, stage, amount, tags, channels, closes in rows
    ], user=ana)
    return {"madrid": madrid, "lima": lima, "quito": quito}


def names(query) -> list[str]:
    return sorted(d["name"] for d in query.page(limit=100).items)


def deals(user):
    return records.query("trade_deal", user=user)


@pytest.mark.parametrize("params, expected", [
    ({"stage": "won"}, ["Alpha", "Foxtrot"]),
    ({"stage__ne": "new"}, ["Alpha", "Charlie", "Foxtrot", "Hotel"]),
    ({"stage__in": "won,lost"}, ["Alpha", "Charlie", "Foxtrot", "Hotel"]),
    ({"amount__gte": "1500.5"}, ["Bravo", "Charlie", "Foxtrot"]),
    ({"amount__lt": "100", "amount__gt": "0"}, ["Echo", "Golf"]),
    ({"amount__isnull": "true"}, ["Delta", "Hotel"]),
    ({"closes_on__lte": "2026-02-10"}, ["Alpha", "Bravo", "Echo"]),
    ({"name__startswith": "a"}, ["Alpha"]),
    ({"name__contains": "OT"}, ["Foxtrot", "Hotel"]),
    ({"tags__contains": "q4"}, ["Bravo", "Delta"]),
    ({"channels__contains": "Email"}, ["Charlie", "Foxtrot"]),  # an option's label reads as its value
    ({"tags__isnull": "false", "stage": "new"}, ["Bravo", "Delta"]),
    ({"account_id.city": "Madrid"}, ["Alpha", "Bravo", "Golf"]),
    ({"account_id.city__isnull": "true"}, ["Foxtrot"]),
    ({"account_id.name__contains": "100%"}, ["Foxtrot"]),  # LIKE wildcards are taken literally
    ({"account_id.country__ne": "es"}, ["Charlie", "Delta", "Foxtrot"]),
])
def test_filters(book, ana, params, expected):
    assert names(deals(ana).where(params)) == expected


def test_and_or_groups_from_json(book, ana):
    tree = from_json({"or": [
        {"field": "stage", "op": "eq", "value": "won"},
        {"and": [{"field": "account_id.city", "value": "Lima"}, {"field": "amount", "op": "isnull", "value": True}]},
    ]})
    assert names(deals(ana).where(tree)) == ["Alpha", "Delta", "Foxtrot"]
    typed = Group("and", (Condition("amount", "gt", Decimal("1000")), Condition("stage", "in", ["new", "lost"])))
    assert names(deals(ana).where(typed)) == ["Bravo", "Charlie"]
    assert names(deals(ana).where(Group("or", ()))) == []


@pytest.mark.parametrize("params, field, message", [
    ({"colour": "red"}, "colour", "Unknown field 'colour'."),
    ({"stage__like": "w%"}, "stage", "Unknown operator 'like'"),
    ({"tags__gt": "a"}, "tags", "Field 'tags' does not support 'gt'; it supports contains, isnull."),
    ({"amount__gte": "lots"}, "amount", "amount: Enter a number"),
    ({"stage": "maybe"}, "stage", "stage: Choose one of the offered options. (maybe)"),
    ({"account_id.colour": "red"}, "account_id.colour", "Unknown field 'account_id.colour'."),
    ({"stage.city": "Lima"}, "stage", "'stage' is not a relation to another entity."),
    ({"account_id.parent_id.city": "Lima"}, "account_id.parent_id.city", "Filters reach one relation away at most"),
])
def test_bad_filters_are_refused_naming_the_field(book, ana, params, field, message):
    with pytest.raises(QueryError) as refused:
        deals(ana).where(params)
    assert refused.value.field == field
    assert str(refused.value).startswith(message)


def test_search_finds_every_word_in_the_search_fields(book, ana):
    accounts = records.query("trade_account", user=ana)
    assert names(accounts.search("acme")) == ["Acme Ibérica"]
    assert names(accounts.search("  ANDES   lima ")) == ["Andes Trading"]
    assert names(accounts.search("acme lima")) == []
    assert names(deals(ana).search("ALP")) == ["Alpha"]  # a deal's title is its search field


def test_sort_puts_empty_values_last_both_ways(book, ana):
    by_amount = [d["name"] for d in deals(ana).order_by("-amount,name").page(limit=100).items]
    assert by_amount == ["Foxtrot", "Bravo", "Charlie", "Alpha", "Echo", "Golf", "Delta", "Hotel"]
    ascending = [d["name"] for d in deals(ana).order_by(["amount", "-name"]).page(limit=100).items]
    assert ascending == ["Golf", "Echo", "Alpha", "Charlie", "Bravo", "Foxtrot", "Hotel", "Delta"]
    with pytest.raises(QueryError, match="Records cannot be sorted by 'tags'"):
        deals(ana).order_by("tags")
    with pytest.raises(QueryError, match="Unknown sort field 'colour'"):
        deals(ana).order_by("-colour")


@pytest.mark.parametrize("sort", ["-amount,name", "amount", "closes_on", "-closes_on,-amount", "stage,-id",
                                  "account_id", "-updated_at", "-id"])
def test_keyset_pages_walk_every_record_once_in_order(book, ana, sort):
    query = deals(ana).order_by(sort)
    everything = [d.id for d in query.page(limit=100).items]
    seen, cursor = [], None
    while True:
        page = query.page(limit=3, cursor=cursor)
        seen += [d.id for d in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == everything and len(seen) == 8


def test_cursors_are_checked(book, ana):
    cursor = deals(ana).order_by("name").page(limit=2).next_cursor
    assert cursor and "Bravo" not in cursor  # opaque
    with pytest.raises(QueryError, match="another sort order") as refused:
        deals(ana).order_by("-name").page(limit=2, cursor=cursor)
    assert refused.value.field == "cursor"
    for bad in ("not-a-cursor", cursor[:-3], "eyJzIjoibmFtZUBlbiIsInYiOlsxLDJdfQ"):  # {"s": "name@en", "v": [1, 2]}
        with pytest.raises(QueryError, match="The cursor is malformed"):
            deals(ana).order_by("name").page(limit=2, cursor=bad)
    with pytest.raises(QueryError, match="between 1 and 500"):
        deals(ana).page(limit=0)


def test_counts_are_exact_up_to_the_threshold_then_flagged(book, ana):
    exact = deals(ana).where({"stage": "new"}).count()
    assert (exact.value, exact.kind, exact.exact) == (4, "exact", True)
    large = deals(ana).count(threshold=5)
    assert not large.exact and large.value >= 6
    assert large.kind == ("estimate" if engine().dialect.name == "postgresql" else "at_least")


def test_startswith_finds_every_spelling_of_the_prefix_in_either_sort_order(ctx, ana):
    spelled = ["mora", "Morales", "MORENO", "mOrán", "Mor", "Moñino", "Amor", "Muñoz", "Lorca", "Zamora", "mo"]
    records.bulk_create("trade_deal", [{"name": n, "stage": "new"} for n in spelled], user=ana)
    matching = {"mora", "Morales", "MORENO", "mOrán", "Mor"}
    for prefix in ("mor", "MOR", "Mor", "mOR"):
        for sort in ("name", "-name", "-id"):
            found = deals(ana).where({"name__startswith": prefix}).order_by(sort).page(limit=3)
            rest = deals(ana).where({"name__startswith": prefix}).order_by(sort).page(limit=3, cursor=found.next_cursor)
            assert {d["name"] for d in found.items + rest.items} == matching, (prefix, sort)
    assert {d["name"] for d in deals(ana).where({"name__startswith": "moñ"}).page().items} == {"Moñino"}


def test_a_first_page_holding_every_match_is_counted_without_asking_again(book, ana):
    query = deals(ana).where({"stage": "new"})
    whole, part = query.page(limit=50), query.page(limit=2)
    assert whole.complete and not part.complete and not query.page(limit=2, cursor=part.next_cursor).complete
    sent: list[str] = []
    listen = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine(), "before_cursor_execute", listen)
    try:
        total = query.count(page=whole)
    finally:
        event.remove(engine(), "before_cursor_execute", listen)
    assert (total.value, total.exact, sent) == (4, True, [])
    assert query.count(page=part).value == 4


def test_the_recycle_bin_is_its_own_list(book, ana):
    doomed = deals(ana).where({"stage": "lost"}).page().items
    records.bulk_delete("trade_deal", [d.id for d in doomed], user=ana)
    assert names(deals(ana).where({"stage": "lost"})) == []
    assert names(records.query("trade_deal", user=ana, deleted=True)) == ["Charlie", "Hotel"]
    records.delete("trade_account", book["lima"].id, user=ana)
    assert names(deals(ana).where({"account_id.city": "Lima"})) == []  # a deleted account matches nothing
