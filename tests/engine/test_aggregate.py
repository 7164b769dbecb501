"""records.aggregate: groups, measures and date buckets over the records a user may see, never over hidden fields."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from trato_trade import plugin as trade_plugin

from trato import PermissionRefused, QueryError, records
from trato.roles import Role, RoleFieldRule


@pytest.fixture
def trade_app(make_app):
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})


@pytest.fixture
def people(trade_app, make_user):
    return make_user("ana@example.com", name="Ana"), make_user("bruno@example.com", name="Bruno")


@pytest.fixture
def deals(trade_app, make_record, people):
    ana, bruno = people
    made = []
    for owner, stage, amount, currency, probability, closes in [
        (ana, "new", "1000.10", "EUR", "10", date(2026, 1, 31)),
        (ana, "new", "500.00", "USD", "30", date(2026, 2, 1)),
        (ana, "won", "2000.00", "EUR", "100", date(2026, 7, 15)),
        (ana, "won", None, None, None, None),
        (bruno, "new", "9999.00", "EUR", "50", date(2026, 1, 2)),
    ]:
        values = {"name": f"{owner.name} {stage}", "stage": stage, "closes_on": closes,
                  "probability": Decimal(probability) if probability else None,
                  "amount": {"amount": amount, "currency": currency} if amount else None}
        made.append(make_record("trade_deal", owner=owner, **values))
    return made


def hide(app, field):
    with app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "sales_rep"))
        session.add(RoleFieldRule(role_id=role_id, entity="trade_deal", field=field, rule="hidden"))
        session.commit()


def test_groups_and_measures_within_the_users_scope(trade_app, people, deals):
    ana, _bruno = people
    with trade_app.test_request_context():
        rows = records.aggregate("trade_deal", user=ana, group_by=["stage"],
                                 measures=["count", "sum:amount", "avg:probability", "max:closes_on"])
        assert [(r.key, r.count) for r in rows] == [({"stage": "new"}, 2), ({"stage": "won"}, 2)]
        new, won = rows
        assert new.values["sum:amount"] == {"EUR": Decimal("1000.10"), "USD": Decimal("500.00")}
        assert new.values["avg:probability"] == Decimal(20)
        assert new.values["max:closes_on"] == date(2026, 2, 1)
        assert won.values["sum:amount"] == {"EUR": Decimal("2000.00")}
        assert won.values["avg:probability"] == Decimal(100)  # the deal without one is left out of the average
        everyone = records.aggregate("trade_deal", user=None, measures=["count", "sum:amount"])
        assert everyone[0].count == 5 and everyone[0].values["sum:amount"]["EUR"] == Decimal("12999.10")
        filtered = records.aggregate("trade_deal", user=ana, measures=["count"], where={"stage": "won"})
        assert [r.count for r in filtered] == [2]


def test_date_buckets(trade_app, people, deals):
    ana, _bruno = people
    with trade_app.test_request_context():
        def keys(bucket, **options):
            rows = records.aggregate("trade_deal", user=ana, group_by=[f"closes_on:{bucket}"], **options)
            return [(r.key[f"closes_on:{bucket}"], r.count) for r in rows]

        assert keys("month") == [("2026-01", 1), ("2026-02", 1), ("2026-07", 1), (None, 1)]
        assert keys("quarter") == [("2026-Q1", 2), ("2026-Q3", 1), (None, 1)]
        assert keys("year") == [("2026", 3), (None, 1)]
        assert keys("fiscal_year", fiscal_year_start=7) == [("2025/26", 2), ("2026/27", 1), (None, 1)]
        assert keys("fiscal_year", fiscal_year_start=2) == [("2025/26", 1), ("2026/27", 2), (None, 1)]


def test_a_datetime_groups_by_month(trade_app, people, make_record):
    ana, _bruno = people
    make_record("trade_deal", owner=ana, name="A", last_contact_at=datetime(2026, 3, 31, 22, 0, tzinfo=timezone.utc))
    make_record("trade_deal", owner=ana, name="B", last_contact_at=datetime(2026, 4, 1, 8, 0, tzinfo=timezone.utc))
    with trade_app.test_request_context():
        rows = records.aggregate("trade_deal", user=ana, group_by=["last_contact_at:month"])
        assert [(r.key["last_contact_at:month"], r.count) for r in rows] == [("2026-03", 1), ("2026-04", 1)]


def test_a_hidden_field_cannot_be_grouped_measured_or_filtered(trade_app, people, deals):
    ana, _bruno = people
    hide(trade_app, "amount")
    with trade_app.test_request_context():
        for options in ({"measures": ["sum:amount"]}, {"measures": ["min:amount"]}, {"group_by": ["amount"]},
                        {"where": {"amount__gt": 5}}):
            with pytest.raises(records.HiddenField) as refused:
                records.aggregate("trade_deal", user=ana, **options)
            assert refused.value.field == "amount" and "amount" in str(refused.value)
            assert isinstance(refused.value, PermissionRefused)
        assert records.aggregate("trade_deal", user=ana, measures=["count"])[0].count == 4


def test_what_cannot_be_done_is_a_query_error_naming_it(trade_app, people, deals):
    ana, _bruno = people
    with trade_app.test_request_context():
        for options, culprit in [({"measures": ["median:amount"]}, "median:amount"),
                                 ({"measures": ["sum:name"]}, "name"), ({"group_by": ["nothing"]}, "nothing"),
                                 ({"group_by": ["name:month"]}, "name:month"),
                                 ({"group_by": ["amount"]}, "amount"),
                                 ({"fiscal_year_start": 13}, "fiscal_year_start")]:
            with pytest.raises(QueryError) as refused:
                records.aggregate("trade_deal", user=ana, **options)
            assert refused.value.field == culprit
