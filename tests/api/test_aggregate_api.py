"""GET /api/v1/<entity>/aggregate: records.aggregate over HTTP, with the token user's scope and field rules."""
from __future__ import annotations

from sqlalchemy import select

from trato.roles import Role, RoleFieldRule


def deals(make_record, ana, bruno):
    for owner, stage, amount, closes in [(ana, "new", "100.50", "2026-01-10"), (ana, "new", "200.00", "2026-04-02"),
                                         (ana, "won", "50.00", "2026-04-20"), (bruno, "new", "999.00", "2026-01-01")]:
        make_record("trade_deal", owner=owner, name=f"{owner.name} {stage}", stage=stage, closes_on=closes,
                    amount={"amount": amount, "currency": "EUR"})


def test_groups_sums_and_filters_within_the_scope(api, ana, bruno, make_record):
    deals(make_record, ana, bruno)
    found = api.get("trade_deal/aggregate?group_by=stage&sum=amount&max=closes_on")
    assert found.status_code == 200
    assert found.json["data"] == [
        {"group": {"stage": "new"}, "count": 2, "values": {"sum:amount": {"EUR": "300.50"},
                                                            "max:closes_on": "2026-04-02"}},
        {"group": {"stage": "won"}, "count": 1, "values": {"sum:amount": {"EUR": "50.00"},
                                                            "max:closes_on": "2026-04-20"}}]
    quarters = api.get("trade_deal/aggregate?group_by=closes_on:quarter&stage=new").json["data"]
    assert [(r["group"]["closes_on:quarter"], r["count"]) for r in quarters] == [("2026-Q1", 1), ("2026-Q2", 1)]


def test_a_hidden_field_is_403_and_a_bad_measure_422_naming_it(trade_app, api, ana, bruno, make_record):
    deals(make_record, ana, bruno)
    with trade_app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "sales_rep"))
        session.add(RoleFieldRule(role_id=role_id, entity="trade_deal", field="amount", rule="hidden"))
        session.commit()
    for query in ("sum=amount", "group_by=amount", "amount__gt=1", "min=amount"):
        refused = api.get(f"trade_deal/aggregate?{query}")
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
        assert list(refused.json["errors"]) == ["amount"]
    bad = api.get("trade_deal/aggregate?sum=name")
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["name"]
    assert api.get("trade_deal/aggregate?fiscal_year_start=x").json["errors"] == {
        "fiscal_year_start": ["Give a month from 1 to 12."]}
    assert api.get("trade_deal/aggregate").json["data"] == [{"group": {}, "count": 3, "values": {}}]
