"""The day a deal was won or lost: set on every path that moves it, cleared when it reopens, counted by goals,
the forecast and the home page; and given to deals closed before the plugin recorded it."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Date, DateTime, column, table

from trato import ValidationFailed, records, tokens
from trato.models import User
from trato.testing import migration_drift
from trato_sales import reports
from trato_sales.closing import today


def _stored(app, deal_id: int):
    with app.app_context():
        return records.get("sales_deal", deal_id, user=None)


def _today(app) -> date:
    """Today in the install's time zone, the one the test users keep."""
    with app.app_context():
        return today()


def _bearer(app, user) -> dict[str, str]:
    with app.extensions["trato"].sessionmaker() as session:
        _token, text = tokens.create(session, session.get(User, user.id), "sales tests", tokens.WRITE, None)
        session.commit()
    return {"Authorization": f"Bearer {text}"}


def test_a_deal_is_dated_the_day_it_is_won_on_every_path(sales_app, pipeline, make_deal, client_as, make_user):
    """The form, the board, the API, an import and a mass update all go through the record service."""
    admin = make_user(admin=True)
    client = client_as(admin)
    long_ago = date.today() - timedelta(days=200)
    by_form, by_board, by_api, by_mass = (make_deal(name, close_date=long_ago, user=admin)
                                          for name in ("Form", "Board", "API", "Mass"))
    assert by_form["closed_on"] is None
    won = pipeline.stages["Won"]
    sent = client.post(f"/r/sales_deal/{by_form.id}/edit", data={
        "name": "Form", "pipeline_id": pipeline.id, "stage_id": won, "close_date": long_ago.isoformat(),
        "owner_id": admin.id, "version": by_form.version})
    assert sent.status_code == 302
    assert client.post("/sales/deals/move", data={"id": by_board.id, "version": by_board.version,
                                                  "value": won}).status_code == 200
    patched = sales_app.test_client().patch(f"/api/v1/sales_deal/{by_api.id}", json={"stage_id": won},
                                            headers={**_bearer(sales_app, admin), "If-Match": f'"{by_api.version}"'})
    assert patched.status_code == 200 and patched.json["closed_on"] == _today(sales_app).isoformat()
    massed = client.post("/r/sales_deal/mass", data={"action": "update", "field": "stage_id", "value": str(won),
                                                      "ids": [by_mass.id]}, follow_redirects=True)
    assert "Stage was changed on 1 record." in massed.text
    csv = f"Name,Pipeline,Stage,Expected close date\nImported,Sales,Won,{long_ago.isoformat()}\n"  # by name
    uploaded = client.post("/r/sales_deal/import", data={"file": (io.BytesIO(csv.encode()), "deals.csv")},
                           content_type="multipart/form-data")
    form = {"header": ["Name", "Pipeline", "Stage", "Expected close date"], "col0": "name", "col1": "pipeline_id",
            "col2": "stage_id", "col3": "close_date", "mode": "create"}
    assert client.post(uploaded.headers["Location"] + "/run", data=form).status_code == 302
    with sales_app.app_context():
        deals = {d["name"]: d for d in records.query("sales_deal", user=None).page(limit=10).items}
    assert {name: (d["stage_id"], d["closed_on"], d["close_date"]) for name, d in deals.items()} == {
        name: (won, _today(sales_app), long_ago) for name in ("Form", "Board", "API", "Mass", "Imported")}


def test_a_given_closing_day_is_kept_a_reopened_deal_loses_it_and_an_open_one_may_not_have_one(
        ctx, pipeline, make_deal, reasons):
    signed = date(2026, 3, 31)
    deal = make_deal("Renting", stage="Won", closed_on=signed)
    assert deal["closed_on"] == signed
    deal = records.update("sales_deal", deal.id, {"next_step": "Invoice"}, user=None, version=deal.version)
    assert deal["closed_on"] == signed  # other changes leave it
    deal = records.update("sales_deal", deal.id, {"stage_id": pipeline.stages["Negotiation"]}, user=None,
                          version=deal.version)
    assert deal["closed_on"] is None  # reopened
    with pytest.raises(ValidationFailed) as refused:
        records.update("sales_deal", deal.id, {"closed_on": signed}, user=None, version=deal.version)
    assert refused.value.errors == {"closed_on": ["Only a won or lost deal has a closing date."]}
    deal = records.update("sales_deal", deal.id, {"stage_id": pipeline.stages["Won"]}, user=None,
                          version=deal.version)
    assert deal["closed_on"] == today()
    lost = records.update("sales_deal", deal.id, {"stage_id": pipeline.stages["Lost"],
                                                  "lost_reason_id": reasons["Price"]}, user=None,
                          version=deal.version)
    assert lost["closed_on"] == today()  # won, then lost: dated by the loss
    reopened = records.update("sales_deal", deal.id, {"stage_id": pipeline.stages["Proposal"]}, user=None,
                              version=lost.version)
    assert (reopened["closed_on"], reopened["lost_reason_id"]) == (None, None)


def test_goals_the_forecast_and_the_home_page_count_a_win_by_the_day_it_was_won(sales_app, pipeline, make_deal,
                                                                                  client_as, make_user):
    rep = make_user(name="Rita")
    this_month = _today(sales_app).replace(day=1)
    expected = this_month - timedelta(days=70)  # a deal that was expected to close two months ago or more
    make_deal("Late win", stage="Won", user=rep, close_date=expected,
              amount={"amount": "4000", "currency": "EUR"})
    make_deal("Open", user=rep, close_date=expected, amount={"amount": "100", "currency": "EUR"})
    with sales_app.app_context():
        for start, end in ((this_month, this_month + timedelta(days=31)), (expected.replace(day=1), expected)):
            records.create("sales_goal", {"user_id": rep.id, "period_start": start, "period_end": end,
                                          "amount": {"amount": "8000", "currency": "EUR"}}, user=None)
        progress = {p.goal["period_start"]: (p.won, p.percent) for p in reports.goal_progress(rep, {})}
        assert progress == {this_month: (Decimal("4000.00"), Decimal("50.0")),
                            expected.replace(day=1): (Decimal("0"), Decimal("0.0"))}
        rows = {r.period: r for r in reports.forecast(rep, "month", start=expected.replace(day=1), months=6)}
    won_period, open_period = f"{this_month:%Y-%m}", f"{expected:%Y-%m}"
    assert rows[won_period].won.amount == {"EUR": Decimal("4000.00")} and rows[won_period].open.count == 0
    assert rows[open_period].won.amount == {} and rows[open_period].open.amount == {"EUR": Decimal("100.00")}
    home = client_as(rep).get("/").text
    widget = home[home.index("Won this month"):]
    assert "€4,000.00" in widget[:widget.index("</section>")] and "50.0 %" in widget[:widget.index("</section>")]


def test_the_migration_dates_the_deals_already_won_or_lost(sales_app, pipeline, make_deal):
    """Deals closed before s003 get the day they entered their stage, or their expected close date if earlier."""
    from trato.migrate import downgrade, upgrade

    moved = datetime(2026, 5, 20, 23, 30, tzinfo=timezone.utc)
    with sales_app.app_context():
        plugins = sales_app.extensions["trato"].plugins.records
        with sales_app.extensions["trato"].engine.begin() as conn:
            downgrade(conn, plugins, "s002")
        when = DateTime(timezone=True)
        deal = table("sales_deal", column("name"), column("pipeline_id"), column("stage_id"), column("version"),
                     column("stage_changed_at", when), column("created_at", when), column("updated_at", when),
                     column("close_date", Date()))
        with sales_app.extensions["trato"].engine.begin() as conn:
            now = datetime.now(timezone.utc)
            for name, stage, close in (("Won late", "Won", date(2026, 4, 30)), ("Won early", "Won", date(2026, 7, 1)),
                                       ("Lost", "Lost", None), ("Open", "Proposal", date(2026, 1, 1))):
                conn.execute(deal.insert().values(name=name, pipeline_id=pipeline.id, stage_id=pipeline.stages[stage],
                                                  close_date=close, stage_changed_at=moved, created_at=now,
                                                  updated_at=now, version=1))
            upgrade(conn, plugins, ["contacts", "sales"])
        closed = {d["name"]: d["closed_on"] for d in records.query("sales_deal", user=None).page().items}
        assert closed == {"Won late": date(2026, 4, 30), "Won early": date(2026, 5, 20), "Lost": date(2026, 5, 20),
                          "Open": None}
        assert [r["name"] for r in records.query("sales_lost_reason", user=None).order_by("position").page().items] \
            == ["Price", "Chose a competitor", "No budget", "No decision", "Timing", "Other reason"]


def test_the_migrations_match_the_models(sales_app):
    """s001..s003 make the tables, columns, indexes and keys that models.py describes."""
    assert migration_drift(sales_app, "sales_") == []
