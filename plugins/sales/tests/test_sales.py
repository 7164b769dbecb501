"""Sales as a sales team uses it: pipelines and stages, deals on the board, leads scored, assigned and converted."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from trato import Money, SaveRefused, ValidationFailed, records
from trato_sales import reports
from trato_sales.conversion import Choices, ConversionRefused, DealWish, convert


def _stages(app) -> dict[str, int]:
    with app.app_context():
        pipeline = records.query("sales_pipeline", user=None).page().items[0]
        return {s.name: s.id for s in reports.stages(pipeline.id)} | {"_pipeline": pipeline.id}


def test_enabling_sales_makes_a_first_pipeline_with_stages(sales_app):
    stages = _stages(sales_app)
    assert list(stages)[:6] == ["Prospecting", "Qualification", "Proposal", "Negotiation", "Won", "Lost"]


def test_a_deal_takes_its_probability_from_the_stage_and_refuses_another_pipelines_stage(ctx, make_user):
    stages = _stages(ctx)
    rep = make_user(name="Rita Rep")
    deal = records.create("sales_deal", {"name": "Flota", "pipeline_id": stages["_pipeline"],
                                         "stage_id": stages["Proposal"],
                                         "amount": {"amount": "1000", "currency": "EUR"}},
                          user=rep)
    assert deal["probability"] == Decimal("50.00")
    assert deal["stage_changed_at"] is not None
    other = records.create("sales_pipeline", {"name": "Servicios"}, user=None)
    foreign = records.create("sales_stage", {"name": "Solicitud", "pipeline_id": other.id, "position": 1}, user=None)
    with pytest.raises(ValidationFailed) as refused:  # at the field, so that a form shows it there
        records.update("sales_deal", deal.id, {"stage_id": foreign.id}, user=rep, version=deal.version)
    assert "another pipeline" in str(refused.value.errors["stage_id"])
    with pytest.raises(ValidationFailed) as refused:
        records.update("sales_deal", deal.id, {"amount": {"amount": "-5", "currency": "EUR"}}, user=rep,
                       version=deal.version)
    assert "negative" in str(refused.value.errors["amount"])
    assert records.get("sales_deal", deal.id, user=rep)["stage_id"] == stages["Proposal"]


def test_the_board_shows_columns_with_totals_and_a_move_is_saved_or_refused(sales_app, client_as, make_user):
    stages = _stages(sales_app)
    rep = make_user(name="Rita Rep")
    with sales_app.app_context():
        for name, amount in (("Uno", "1000.00"), ("Dos", "3000.00")):
            records.create("sales_deal", {"name": name, "pipeline_id": stages["_pipeline"],
                                          "stage_id": stages["Proposal"],
                                          "amount": {"amount": amount, "currency": "EUR"}}, user=rep)
        deal = records.query("sales_deal", user=rep).where({"name": "Uno"}).page().items[0]
    client = client_as(rep)
    page = client.get("/sales/board").get_data(as_text=True)
    proposal = page[page.index('id="stage-%d"' % stages["Proposal"]):]
    proposal = proposal[:proposal.index("</section>")]
    assert "Uno" in proposal and "Dos" in proposal
    assert "€4,000.00" in proposal and "weighted €2,000.00" in proposal
    moved = client.post("/sales/deals/move", data={"id": deal.id, "version": deal.version, "value": stages["Won"]})
    assert moved.status_code == 200 and moved.json["version"] == deal.version + 1
    stale = client.post("/sales/deals/move", data={"id": deal.id, "version": deal.version,
                                                   "value": stages["Lost"]})
    assert stale.status_code == 409
    with sales_app.app_context():
        saved = records.get("sales_deal", deal.id, user=rep)
    assert saved["stage_id"] == stages["Won"] and saved["probability"] == Decimal("100.00")


def test_leads_are_scored_by_rules_and_events(ctx):
    records.create("sales_score_rule", {"name": "Web", "field_name": "source", "operator": "eq", "value": "web_form",
                                        "points": 30}, user=None)
    records.create("sales_score_rule", {"name": "Meeting", "event": "meeting", "points": 25}, user=None)
    lead = records.create("sales_lead", {"last_name": "Castillo", "source": "web_form"}, user=None)
    assert lead["score"] == 30 and lead["lifecycle"] == "lead"
    records.create("sales_lead_event", {"lead_id": lead.id, "kind": "meeting"}, user=None)
    lead = records.get("sales_lead", lead.id, user=None)
    assert lead["score"] == 55 and lead["lifecycle"] == "mql"


def test_new_leads_are_assigned_round_robin_within_a_team(ctx, make_user):
    from trato.roles import admin as roles_admin

    ana, bruno = make_user(name="Ana"), make_user(name="Bruno")
    from trato import session

    team = roles_admin.create_team(session(), "Web")
    roles_admin.set_team_members(session(), team, [ana.id, bruno.id])
    session().commit()
    records.create("sales_assignment_rule", {"name": "Web", "source": "web_form", "team": team.id}, user=None)
    owners = [records.create("sales_lead", {"last_name": f"L{i}", "source": "web_form"}, user=None)["owner_id"]
              for i in range(3)]
    assert owners == [ana.id, bruno.id, ana.id]
    manual = records.create("sales_lead", {"last_name": "Manual", "source": "manual"}, user=None)
    assert manual["owner_id"] is None


def test_converting_a_lead_makes_account_contact_and_deal_once(ctx):
    stages = _stages(ctx)
    lead = records.create("sales_lead", {"first_name": "Jorge", "last_name": "Pascual",
                                         "company": "Floristería Pascual", "email": "jorge@example.es",
                                         "status": "qualified"}, user=None)
    converted = convert(lead.id, user=None, choices=Choices(deal=DealWish(
        "Furgoneta", stages["_pipeline"], stages["Proposal"], {"amount": "25000", "currency": "EUR"}))).lead
    assert converted["status"] == "converted" and converted["converted_at"] is not None
    account = records.get("contacts_account", converted["account_id"], user=None)
    contact = records.get("contacts_contact", converted["contact_id"], user=None)
    deal = records.get("sales_deal", converted["deal_id"], user=None)
    assert account["name"] == "Floristería Pascual"
    assert (contact["last_name"], contact["account_id"]) == ("Pascual", account.id)
    assert deal["amount"] == Money(Decimal("25000.00"), "EUR") and deal["account_id"] == account.id
    with pytest.raises(ConversionRefused):
        convert(lead.id, user=None)


def test_a_failed_conversion_creates_nothing(ctx):
    stages = _stages(ctx)
    lead = records.create("sales_lead", {"last_name": "Molina", "company": "Reformas Molina"}, user=None)
    with pytest.raises((SaveRefused, ValidationFailed)):
        convert(lead.id, user=None, choices=Choices(deal=DealWish("Mal", stages["_pipeline"], stages["Proposal"],
                                                                  {"amount": "-1", "currency": "EUR"})))
    assert records.query("contacts_account", user=None).count().value == 0
    assert records.query("contacts_contact", user=None).count().value == 0
    assert records.get("sales_lead", lead.id, user=None)["status"] == "new"


def test_funnel_forecast_and_goals_add_up(ctx, make_user):
    stages = _stages(ctx)
    rep = make_user(name="Rita")
    soon = date.today() + timedelta(days=3)
    reason = records.query("sales_lost_reason", user=None).order_by("position").page().items[0].id
    closing = {"Won": {"closed_on": soon}, "Lost": {"lost_reason_id": reason}}  # won (by its date) in soon's month
    for name, stage, amount in (("A", "Qualification", "100"), ("B", "Proposal", "200"), ("C", "Won", "400"),
                                ("D", "Lost", "800")):
        records.create("sales_deal", {"name": name, "pipeline_id": stages["_pipeline"], "stage_id": stages[stage],
                                      "amount": {"amount": amount, "currency": "EUR"}, "close_date": soon,
                                      **closing.get(stage, {})}, user=rep)
    steps = {s.stage.name: s.reached for s in reports.funnel(stages["_pipeline"], rep)}
    assert steps["Prospecting"] == 3 and steps["Proposal"] == 2 and steps["Won"] == 1
    rows = reports.forecast(rep, "month", start=soon.replace(day=1))
    assert len(rows) == 1
    assert rows[0].open.amount["EUR"] == Decimal("300.00")
    assert rows[0].open.weighted["EUR"] == Decimal("125.00")  # 100 × 25 % + 200 × 50 %
    assert rows[0].won.amount["EUR"] == Decimal("400.00")
    records.create("sales_goal", {"user_id": rep.id, "period_start": soon.replace(day=1), "period_end": soon,
                                  "amount": {"amount": "1000", "currency": "EUR"}}, user=None)
    progress = reports.goal_progress(rep, {})
    assert [(p.won, p.percent) for p in progress] == [(Decimal("400.00"), Decimal("40.0"))]


def test_account_pages_show_a_deals_panel_only_while_sales_is_enabled(sales_app, client_as):
    from trato.hooks import switch

    stages = _stages(sales_app)
    with sales_app.app_context():
        account = records.create("contacts_account", {"name": "Acme"}, user=None)
        records.create("sales_deal", {"name": "Acme fleet", "account_id": account.id,
                                      "pipeline_id": stages["_pipeline"], "stage_id": stages["Proposal"]}, user=None)
    client = client_as("admin")
    assert "Acme fleet" in client.get(f"/r/contacts_account/{account.id}").get_data(as_text=True)
    switch.disable(sales_app, "sales")
    page = client.get(f"/r/contacts_account/{account.id}").get_data(as_text=True)
    assert "Acme fleet" not in page
    assert client.get("/sales/board").status_code == 404
    switch.enable(sales_app, "sales")
    assert "Acme fleet" in client.get(f"/r/contacts_account/{account.id}").get_data(as_text=True)


def test_sales_pages_speak_spanish(sales_app, client_as):
    client = client_as("admin")
    client.post("/locale", data={"locale": "es"})
    page = client.get("/sales/forecast").get_data(as_text=True)
    assert "Previsión" in page and "Agrupar por" in page
    assert re.search(r"<title>Previsión", page)


def test_leads_are_scored_again_when_a_rule_changes(ctx):
    lead = records.create("sales_lead", {"last_name": "Walsh", "source": "web_form", "country": "IE"}, user=None)
    assert lead["score"] == 0
    rule = records.create("sales_score_rule", {"name": "Ireland", "field_name": "country", "operator": "eq",
                                               "value": "IE", "points": 15}, user=None)
    assert records.get("sales_lead", lead.id, user=None)["score"] == 15
    records.update("sales_score_rule", rule.id, {"points": 60}, user=None, version=rule.version)
    again = records.get("sales_lead", lead.id, user=None)
    assert (again["score"], again["lifecycle"]) == (60, "mql")
    records.delete("sales_score_rule", rule.id, user=None)
    assert records.get("sales_lead", lead.id, user=None)["score"] == 0


def test_forecast_by_team_and_a_warning_for_a_close_date_that_passed(sales_app, client_as, make_user):
    from trato import session
    from trato.roles import admin as roles_admin

    stages = _stages(sales_app)
    with sales_app.app_context():
        rita = make_user(name="Rita", app=sales_app)
        team = roles_admin.create_team(session(), "Norte")
        roles_admin.set_team_members(session(), team, [rita.id])
        session().commit()
        soon = date.today() + timedelta(days=2)
        records.create("sales_deal", {"name": "Norte 1", "pipeline_id": stages["_pipeline"], "owner_id": rita.id,
                                      "stage_id": stages["Proposal"], "close_date": soon,
                                      "amount": {"amount": "500", "currency": "EUR"}}, user=None)
        late = records.create("sales_deal", {"name": "Tarde", "pipeline_id": stages["_pipeline"],
                                             "stage_id": stages["Proposal"],
                                             "close_date": date.today() - timedelta(days=40)}, user=None)
    client = client_as("admin")
    page = client.get("/sales/forecast?group=team").get_data(as_text=True)
    assert "Norte" in page and "€500.00" in page
    assert client.get("/sales/forecast?group=planet").status_code == 400
    detail = client.get(f"/r/sales_deal/{late.id}").get_data(as_text=True)
    assert "has passed" in detail


@pytest.mark.parametrize(("locale", "pipeline", "stage"), [("es", "Ventas de coches", "Financiación"),
                                                           ("en", "Car sales", "Financing")])
def test_demo_data_fills_pipelines_deals_leads_and_follow_ups(sales_app, make_user, locale, pipeline, stage):
    from trato import session
    from trato.activity.models import Activity
    from trato.demo import load_demo

    make_user(admin=True, app=sales_app)
    with sales_app.app_context():
        assert load_demo(sales_app, locale).plugins == ["contacts", "sales"]
        session().rollback()  # the demo committed in a session of its own: look again
        pipelines = {p["name"] for p in records.query("sales_pipeline", user=None).page().items}
        assert pipeline in pipelines and len(pipelines) == 3  # with the one enabling the plugin made
        assert stage in {s["name"] for s in records.query("sales_stage", user=None).page(limit=100).items}
        deals = records.query("sales_deal", user=None).page(limit=100).items
        assert len(deals) == 12 and all(d["owner_id"] for d in deals)
        assert records.query("sales_lead", user=None).count().value == 8
        assert session().query(Activity).filter_by(entity="sales_deal").count() >= 8
