"""The pages only sales has, read as their users read them: the board and its drops, the funnel, the forecast,
the goals and the home page's widgets; each shows what the person may see, and adds it up right."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from trato import records, session
from trato.records.audit import AuditEntry
from trato.roles import admin as roles_admin
from trato_sales.closing import today


def _column(page: str, stage_id: int) -> str:
    """One board column's HTML."""
    start = page.index(f'id="stage-{stage_id}"')
    return page[start:page.index("</section>", start)]


def _cards(column: str) -> list[str]:
    return re.findall(r'<a href="/r/sales_deal/\d+">([^<]+)</a>', column)


def _today(app) -> date:
    with app.app_context():
        return today()


def test_the_board_shows_a_column_per_stage_with_the_persons_cards_and_totals(sales_app, pipeline, make_deal,
                                                                               client_as, make_user):
    rita, bruno = make_user(name="Rita"), make_user(name="Bruno")
    with sales_app.app_context():
        account = records.create("contacts_account", {"name": "Bodegas Valdelosa", "owner_id": rita.id}, user=None)
    make_deal("Camión", user=rita, account_id=account.id, amount={"amount": "30000", "currency": "EUR"},
              close_date=date(2027, 2, 15))
    slow = make_deal("Furgón", user=rita, amount={"amount": "10000", "currency": "EUR"})
    make_deal("De Bruno", user=bruno, amount={"amount": "99000", "currency": "EUR"})
    make_deal("Ganado", stage="Won", user=rita, amount={"amount": "5000", "currency": "EUR"})
    with sales_app.app_context():  # in its stage for longer than the stage allows (21 days for Proposal)
        deals = records.entity("sales_deal").table  # the plugin alone sets it (system_set): written as it would
        session().execute(deals.update().where(deals.c.id == slow.id)
                          .values(stage_changed_at=datetime.now(timezone.utc) - timedelta(days=30)))
        session().commit()
    page = client_as(rita).get("/sales/board").text
    headings = re.findall(r'<h2 id="stage-\d+">([^<]+)(?: <small>(\d+) %</small>)?</h2>', page)
    assert headings == [("Prospecting", "10"), ("Qualification", "25"), ("Proposal", "50"), ("Negotiation", "75"),
                        ("Won", "100"), ("Lost", "0")]
    proposal = _column(page, pipeline.stages["Proposal"])
    assert _cards(proposal) == ["Camión", "Furgón"]  # by expected close date, the undated last
    assert '<span class="kanban-count">2</span>' in proposal
    assert "€40,000.00" in proposal and "weighted €20,000.00" in proposal
    assert "Bodegas Valdelosa" in proposal and "Feb 15, 2027" in proposal and "€30,000.00" in proposal
    assert proposal.count("In this stage for more than 21 days") == 1
    assert "De Bruno" not in page and "€99,000.00" not in page  # Bruno's deal is not Rita's to see
    assert _cards(_column(page, pipeline.stages["Won"])) == ["Ganado"]
    assert "De Bruno" in client_as("admin").get("/sales/board").text


def test_a_drop_moves_the_deal_through_the_record_service_or_says_why_not(sales_app, pipeline, make_deal, client_as,
                                                                          make_user):
    rita, bruno = make_user(name="Rita"), make_user(name="Bruno")
    deal = make_deal("Flota", user=rita, amount={"amount": "2000", "currency": "EUR"})
    client = client_as(rita)
    moved = client.post("/sales/deals/move", data={"id": deal.id, "version": deal.version,
                                                   "value": pipeline.stages["Negotiation"]})
    assert moved.status_code == 200 and moved.json == {"version": deal.version + 1, "message": "Flota moved."}
    board = client.get("/sales/board").text
    negotiation = _column(board, pipeline.stages["Negotiation"])
    assert _cards(negotiation) == ["Flota"] and "weighted €1,500.00" in negotiation
    assert _cards(_column(board, pipeline.stages["Proposal"])) == []
    with sales_app.app_context():
        stored = records.get("sales_deal", deal.id, user=None)
        entry = session().scalars(select(AuditEntry).where(AuditEntry.entity == "sales_deal",
                                                           AuditEntry.record_id == deal.id)
                                  .order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.user_id) == ("update", rita.id)  # written by the record service, as Rita
    assert entry.changes["stage_id"] == [pipeline.stages["Proposal"], pipeline.stages["Negotiation"]]
    with sales_app.app_context():
        other = records.create("sales_pipeline", {"name": "Servicios"}, user=None)
        foreign = records.create("sales_stage", {"name": "Solicitud", "pipeline_id": other.id}, user=None)
    assert stored["probability"] == 75 and stored["reached_position"] == 4
    refused = client.post("/sales/deals/move", data={"id": deal.id, "version": stored.version, "value": foreign.id})
    assert refused.status_code == 422 and refused.json["message"] == \
        "The stage Solicitud belongs to another pipeline."
    assert client.post("/sales/deals/move", data={"value": foreign.id}).status_code == 400
    theirs = make_deal("De Bruno", user=bruno)
    hidden = client.post("/sales/deals/move", data={"id": theirs.id, "version": theirs.version,
                                                    "value": pipeline.stages["Won"]})
    assert hidden.status_code == 404 and "no longer exists, or you may not see it" in hidden.json["message"]
    watcher = client_as("read_only")
    assert "Flota" in watcher.get("/sales/board").text
    forbidden = watcher.post("/sales/deals/move", data={"id": deal.id, "version": stored.version,
                                                        "value": pipeline.stages["Won"]})
    assert forbidden.status_code == 403
    with sales_app.app_context():
        assert records.get("sales_deal", deal.id, user=None)["stage_id"] == pipeline.stages["Negotiation"]


def test_the_board_and_funnel_switch_between_pipelines(sales_app, pipeline, client_as):
    with sales_app.app_context():
        other = records.create("sales_pipeline", {"name": "Servicios", "position": 2}, user=None)
        records.create("sales_stage", {"name": "Solicitud", "pipeline_id": other.id, "position": 1}, user=None)
    client = client_as("user")
    first = client.get("/sales/board").text
    assert "<h1>Sales</h1>" in first and f'<option value="{other.id}">Servicios</option>' in first
    second = client.get(f"/sales/board?pipeline={other.id}").text
    assert "<h1>Servicios</h1>" in second and re.findall(r'<h2 id="stage-\d+">([^<]+)', second) == ["Solicitud"]
    assert client.get("/sales/board?pipeline=999").status_code == 404
    assert "Funnel · Servicios" in client.get(f"/sales/funnel?pipeline={other.id}").text


def test_the_funnel_counts_how_far_deals_got_and_the_rate_from_step_to_step(sales_app, pipeline, make_deal, reasons,
                                                                           client_as, make_user):
    rita = make_user(name="Rita")
    for name, stage in (("A", "Prospecting"), ("B", "Qualification"), ("C", "Qualification"), ("D", "Proposal")):
        make_deal(name, stage=stage, user=rita)
    lost = make_deal("E", stage="Proposal", user=rita)
    with sales_app.app_context():  # lost after reaching Proposal: counts up to there
        records.update("sales_deal", lost.id, {"stage_id": pipeline.stages["Lost"],
                                               "lost_reason_id": reasons["Price"]}, user=None, version=lost.version)
    page = client_as(rita).get("/sales/funnel").text
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td><meter[^>]*>\d+</meter> (\d+)</td>\s*<td>([^<]+)</td>',
                      page)
    assert rows == [("Prospecting", "5", "—"), ("Qualification", "4", "80.0 %"), ("Proposal", "2", "50.0 %"),
                    ("Negotiation", "0", "0.0 %"), ("Won", "0", "—")]


def test_the_forecast_page_adds_up_by_month_or_quarter_and_by_owner(sales_app, make_deal, client_as, make_user):
    rita = make_user(name="Rita Rep")
    day = _today(sales_app)
    later = (day.replace(day=1) + timedelta(days=40)).replace(day=10)  # next month
    for name, stage, amount, close in (("A", "Qualification", "1000", day), ("B", "Negotiation", "2000", later),
                                       ("C", "Won", "500", day)):
        make_deal(name, stage=stage, user=rita, close_date=close, amount={"amount": amount, "currency": "EUR"})
    client = client_as(rita)
    page = client.get("/sales/forecast").text
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td class=\"cell-number\">(\d+)</td>"
                      r"\s*<td class=\"cell-money\">([^<]*)(?:<br>)?</td>"
                      r"\s*<td class=\"cell-money\">([^<]*)(?:<br>)?</td>"
                      r"\s*<td class=\"cell-money\">([^<]*)(?:<br>)?</td>", page)
    this, nxt = f"{day.year}-{day.month:02d}", f"{later.year}-{later.month:02d}"
    assert rows == [(this, "Rita Rep", "1", "€1,000.00", "€250.00", "€500.00"),
                    (nxt, "Rita Rep", "1", "€2,000.00", "€1,500.00", "")]
    quarters = client.get("/sales/forecast?by=quarter").text
    quarter = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    assert quarter in quarters and 'value="quarter" selected' in quarters
    assert client.get("/sales/forecast?by=week").status_code == 400


def test_the_forecast_groups_by_team(sales_app, make_deal, client_as, make_user):
    rita, bruno = make_user(name="Rita"), make_user(name="Bruno")
    with sales_app.app_context():
        north = roles_admin.create_team(session(), "Norte")
        roles_admin.set_team_members(session(), north, [rita.id, bruno.id])
        session().commit()
    day = _today(sales_app)
    for who, amount in ((rita, "100"), (bruno, "300")):
        make_deal(f"De {who.name}", user=who, close_date=day, amount={"amount": amount, "currency": "EUR"})
    make_deal("Sin equipo", user=make_user(name="Lone"), close_date=day, amount={"amount": "7", "currency": "EUR"})
    page = client_as("admin").get("/sales/forecast?group=team").text
    assert re.search(r"<td>Norte</td>\s*<td class=\"cell-number\">2</td>\s*<td class=\"cell-money\">€400.00", page)
    assert re.search(r"<td>No team</td>\s*<td class=\"cell-number\">1</td>\s*<td class=\"cell-money\">€7.00", page)


def test_the_goals_page_shows_each_goal_with_what_was_won_in_its_period(sales_app, make_deal, client_as, make_user):
    rita = make_user(name="Rita Rep")
    day = _today(sales_app)
    first = day.replace(day=1)
    with sales_app.app_context():
        records.create("sales_goal", {"user_id": rita.id, "period_start": first,
                                      "period_end": first + timedelta(days=60),
                                      "amount": {"amount": "10000", "currency": "EUR"}}, user=None)
    make_deal("Ganada", stage="Won", user=rita, amount={"amount": "2500", "currency": "EUR"})
    make_deal("Abierta", user=rita, amount={"amount": "9000", "currency": "EUR"})
    page = client_as(rita).get("/sales/goals").text
    row = page[page.index("<tbody>"):page.index("</tbody>")]
    assert "Rita Rep" in row and "€10,000.00" in row and "€2,500.00" in row and "25.0 %" in row
    assert "€9,000.00" not in row
    assert 'href="/r/sales_goal/new"' in page


def test_the_home_page_widgets(sales_app, make_deal, client_as, make_user):
    rita = make_user(name="Rita")
    make_deal("A", user=rita, amount={"amount": "100", "currency": "EUR"})
    make_deal("B", user=rita, amount={"amount": "200", "currency": "EUR"})
    make_deal("C", stage="Negotiation", user=rita, amount={"amount": "50", "currency": "EUR"})
    make_deal("Won", stage="Won", user=rita, amount={"amount": "900", "currency": "EUR"})
    with sales_app.app_context():
        for source in ("web_form", "web_form", "import"):
            records.create("sales_lead", {"last_name": "L", "source": source, "owner_id": rita.id}, user=None)
    home = client_as(rita).get("/").text
    assert re.search(r'<th scope="row">Proposal</th><td>2</td><td class="cell-money">€300.00</td>', home)
    assert re.search(r'<th scope="row">Negotiation</th><td>1</td><td class="cell-money">€50.00</td>', home)
    assert "Won</th>" not in home.split("My open deals")[1].split("</table>")[0]
    widget = home.split("Won this month")[1]
    assert "€900.00" in widget[:widget.index("</section>")]
    leads = home.split("Leads by source")[1].split("</section>")[0]
    assert leads.index("Web form") < leads.index("Import")
