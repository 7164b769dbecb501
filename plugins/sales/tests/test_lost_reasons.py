"""Lost deals need a reason from the list administrators keep: at the form's field, in the API, in imports and
on the board (a dialog); and the report of lost deals by reason, limited to what each person may see."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from trato import records, tokens
from trato.models import User
from trato.roles.models import Role, RoleFieldRule
from trato_sales.closing import today
from trato_sales.lost_reasons import lost_by_reason

NEEDS_REASON = "Choose why the deal was lost."
HX = {"HX-Request": "true"}


def _stored(app, deal_id: int):
    with app.app_context():
        return records.get("sales_deal", deal_id, user=None)


def test_the_usual_reasons_come_in_the_installs_language(make_app):
    """As `trato plugins enable sales` makes them on an install whose default language is Spanish."""
    from trato.hooks import switch
    from trato_contacts import plugin as contacts_plugin
    from trato_sales import plugin as sales_plugin

    app = make_app(plugins=["contacts"], extra_plugins={"contacts": contacts_plugin, "sales": sales_plugin},
                   default_locale="es")
    with app.app_context():
        switch.enable(app, "sales")
        names = [r["name"] for r in records.query("sales_lost_reason", user=None).order_by("position").page().items]
    assert names == ["Precio", "Eligió a la competencia", "Sin presupuesto", "Sin decisión", "Momento inoportuno",
                     "Otro motivo"]


def test_the_form_asks_for_the_reason_at_its_field_and_keeps_the_input(sales_app, pipeline, make_deal, reasons,
                                                                        client_as, make_user):
    admin = make_user(admin=True)
    deal = make_deal("Flota", user=admin, amount={"amount": "1500", "currency": "EUR"})
    client = client_as(admin)
    form = {"name": "Flota", "pipeline_id": pipeline.id, "stage_id": pipeline.stages["Lost"], "amount": "1500",
            "amount_currency": "EUR", "lost_reason": "They went with the dealer next door", "owner_id": admin.id,
            "version": deal.version}
    refused = client.post(f"/r/sales_deal/{deal.id}/edit", data=form)
    assert refused.status_code == 422
    assert re.search(r'<p class="field-error" id="lost_reason_id-error">[^<]*Choose why the deal was lost\.</p>',
                     refused.text)
    assert 'aria-describedby="lost_reason_id-error' in refused.text
    assert 'value="They went with the dealer next door"' in refused.text
    assert _stored(sales_app, deal.id)["stage_id"] == pipeline.stages["Proposal"]
    saved = client.post(f"/r/sales_deal/{deal.id}/edit", data={**form, "lost_reason_id": reasons["Chose a competitor"]})
    assert saved.status_code == 302
    detail = client.get(saved.headers["Location"]).text
    assert "Chose a competitor" in detail and "They went with the dealer next door" in detail


def test_the_api_answers_422_naming_the_field(sales_app, pipeline, make_deal, reasons, make_user):
    rep = make_user(name="Rita")
    with sales_app.extensions["trato"].sessionmaker() as session:
        token = tokens.create(session, session.get(User, rep.id), "lost", tokens.WRITE, None)[1]
        session.commit()
    api = sales_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    lost = {"name": "Leasing", "pipeline_id": pipeline.id, "stage_id": pipeline.stages["Lost"]}
    made = api.post("/api/v1/sales_deal", json=lost, headers=headers)
    assert made.status_code == 422 and made.content_type == "application/problem+json"
    assert made.json["errors"] == {"lost_reason_id": [NEEDS_REASON]}
    deal = make_deal("Leasing", user=rep)
    moved = api.patch(f"/api/v1/sales_deal/{deal.id}", json={"stage_id": pipeline.stages["Lost"]},
                      headers={**headers, "If-Match": f'"{deal.version}"'})
    assert moved.status_code == 422 and moved.json["errors"] == {"lost_reason_id": [NEEDS_REASON]}
    moved = api.patch(f"/api/v1/sales_deal/{deal.id}", json={"stage_id": pipeline.stages["Lost"],
                                                             "lost_reason_id": reasons["Timing"]},
                      headers={**headers, "If-Match": f'"{deal.version}"'})
    assert moved.status_code == 200 and moved.json["lost_reason_id"] == reasons["Timing"]
    assert moved.json["closed_on"] is not None
    won = api.patch(f"/api/v1/sales_deal/{deal.id}", json={"stage_id": pipeline.stages["Won"],
                                                           "lost_reason_id": reasons["Price"]},
                    headers={**headers, "If-Match": f'"{moved.json["version"]}"'})
    assert won.status_code == 422 and won.json["errors"] == {"lost_reason_id": ["Only a lost deal has a lost reason."]}


def test_an_import_names_the_row_and_column_of_a_lost_deal_without_reason(sales_app, client_as, make_user):
    client = client_as(make_user(admin=True))
    data = "Name,Pipeline,Stage,Lost reason\nWith reason,Sales,Lost,Price\nWithout,Sales,Lost,\nOpen,Sales,Proposal,\n"
    uploaded = client.post("/r/sales_deal/import", data={"file": (io.BytesIO(data.encode()), "deals.csv")},
                           content_type="multipart/form-data")
    form = {"header": ["Name", "Pipeline", "Stage", "Lost reason"], "col0": "name", "col1": "pipeline_id",
            "col2": "stage_id", "col3": "lost_reason_id", "mode": "create"}
    result = client.get(client.post(uploaded.headers["Location"] + "/run", data=form).headers["Location"]).text
    failed_link = re.search(r'href="([^"]+)"[^>]*>Download the rows that failed', result).group(1)
    rows = list(csv.reader(io.StringIO(client.get(failed_link).text.lstrip("\ufeff"))))
    assert rows == [["Name", "Pipeline", "Stage", "Lost reason", "Error"],
                    ["Without", "Sales", "Lost", "", f"Row 3, column “Lost reason”: {NEEDS_REASON}"]]
    with sales_app.app_context():
        assert sorted(d["name"] for d in records.query("sales_deal", user=None).page().items) == ["Open", "With reason"]


def test_a_drop_on_the_lost_column_asks_why_in_a_dialog(sales_app, pipeline, make_deal, reasons, client_as,
                                                        make_user):
    rep = make_user(name="Rita")
    deal = make_deal("Furgoneta", user=rep)
    client = client_as(rep)
    board = client.get("/sales/board").text
    assert '<dialog id="kanban-dialog" class="card quick-create"' in board and 'data-dialog="#kanban-dialog"' in board
    lost = pipeline.stages["Lost"]
    dropped = client.post("/sales/deals/move", data={"id": deal.id, "version": deal.version, "value": lost})
    assert dropped.status_code == 422 and dropped.json["message"] == NEEDS_REASON
    assert dropped.json["dialog"] == f"/sales/deals/{deal.id}/lose?stage={lost}&version={deal.version}"
    assert _stored(sales_app, deal.id)["stage_id"] == pipeline.stages["Proposal"]  # cancelling leaves it there

    dialog = client.get(dropped.json["dialog"], headers=HX).text
    assert "<html" not in dialog and "Why was Furgoneta lost?" in dialog
    offered = re.findall(r'<option value="(\d+)">([^<]+)</option>', dialog)
    assert [name for _id, name in offered] == ["Price", "Chose a competitor", "No budget", "No decision", "Timing",
                                               "Other reason"]
    assert 'data-close-dialog' in dialog and f'name="version" value="{deal.version}"' in dialog

    action = f"/sales/deals/{deal.id}/lose"
    empty = client.post(action, data={"stage": lost, "version": deal.version}, headers=HX)
    assert empty.status_code == 422
    assert f'<p class="field-error" id="lose-lost_reason_id-error">{NEEDS_REASON}</p>' in empty.text
    assert 'aria-invalid="true" aria-describedby="lose-lost_reason_id-error"' in empty.text
    saved = client.post(action, data={"stage": lost, "version": deal.version, "lost_reason_id": reasons["No budget"],
                                      "lost_reason": "Budget moved to 2028"}, headers=HX)
    assert saved.status_code == 204 and saved.headers["HX-Refresh"] == "true"
    stored = _stored(sales_app, deal.id)
    assert (stored["stage_id"], stored["lost_reason_id"], stored["lost_reason"]) == (
        lost, reasons["No budget"], "Budget moved to 2028")
    assert stored["closed_on"] is not None
    assert "Furgoneta was marked lost." in client.get("/sales/board").text
    again = client.post(action, data={"stage": lost, "version": deal.version, "lost_reason_id": reasons["Price"]},
                        headers=HX)
    assert again.status_code == 409 and "Someone else changed this deal meanwhile" in again.text


def test_the_dialog_works_without_javascript_and_refuses_what_does_not_fit(sales_app, pipeline, make_deal, reasons,
                                                                           client_as, make_user):
    rep = make_user(name="Rita")
    deal = make_deal("Seguro", user=rep)
    client = client_as(rep)
    lost = pipeline.stages["Lost"]
    page = client.get(f"/sales/deals/{deal.id}/lose?stage={lost}&version={deal.version}").text
    assert "<title>Why was Seguro lost?" in page and f'href="/sales/board?pipeline={pipeline.id}">Cancel</a>' in page
    assert client.get(f"/sales/deals/{deal.id}/lose?stage={pipeline.stages['Won']}").status_code == 400
    with sales_app.app_context():
        records.update("sales_lost_reason", reasons["Other reason"], {"active": False}, user=None, version=1)
    page = client.get(f"/sales/deals/{deal.id}/lose?stage={lost}&version={deal.version}").text
    assert ">Other reason</option>" not in page
    retired = client.post(f"/sales/deals/{deal.id}/lose", data={"stage": lost, "version": deal.version,
                                                                "lost_reason_id": reasons["Other reason"]})
    assert retired.status_code == 422 and "This reason is no longer offered; choose another." in retired.text
    done = client.post(f"/sales/deals/{deal.id}/lose", data={"stage": lost, "version": deal.version,
                                                             "lost_reason_id": reasons["Price"]})
    assert done.status_code == 302 and done.headers["Location"] == f"/sales/board?pipeline={pipeline.id}"
    other = make_deal("Not hers", user=make_user(name="Bruno"))
    assert client.get(f"/sales/deals/{other.id}/lose?stage={lost}").status_code == 404


def test_the_report_counts_and_sums_lost_deals_by_reason_within_each_persons_scope(
        sales_app, pipeline, make_deal, reasons, client_as, make_user):
    rita, bruno = make_user(name="Rita"), make_user(name="Bruno")
    for name, owner, reason, amount in (("A", rita, "Price", "1000"), ("B", rita, "Price", "500"),
                                        ("C", rita, "Timing", "300"), ("D", bruno, "Price", "9000")):
        make_deal(name, stage="Lost", user=owner, lost_reason_id=reasons[reason],
                  amount={"amount": amount, "currency": "EUR"})
    make_deal("Won", stage="Won", user=rita, amount={"amount": "7000", "currency": "EUR"})
    long_ago = make_deal("Old", stage="Lost", user=rita, lost_reason_id=reasons["Price"],
                         closed_on=date(2020, 1, 10))
    assert long_ago["closed_on"] == date(2020, 1, 10)
    with sales_app.app_context():
        day = today()
        report = lost_by_reason(rita, day - timedelta(days=30), day)
    assert [(r.name, r.count, dict(r.amount)) for r in report.rows] == [
        ("Price", 2, {"EUR": Decimal("1500.00")}), ("Timing", 1, {"EUR": Decimal("300.00")})]
    assert (report.total.count, dict(report.total.amount)) == (3, {"EUR": Decimal("1800.00")})

    page = client_as(rita).get("/sales/lost").text
    assert "Edit the list of reasons" not in page  # administrators keep the list
    table = page[page.index('<table class="grid lost-reasons">'):page.index("</table>")]
    assert re.findall(r'>([^<>]+)</a></th>\s*<td class="cell-number">(\d+)</td>\s*<td class="cell-money">([^<]+)<br>',
                      table) == [("Price", "2", "€1,500.00"), ("Timing", "1", "€300.00")]
    assert "€1,800.00" in table and "€9,000.00" not in table  # Bruno's deal is not Rita's to see
    admin_page = client_as("admin").get("/sales/lost").text
    assert '<a class="button" href="/r/sales_lost_reason/">Edit the list of reasons</a>' in admin_page
    assert "€10,500.00" in admin_page and "€10,800.00" in admin_page  # Price for everyone, and the total
    old = client_as(rita).get("/sales/lost?start=2020-01-01&end=2020-12-31").text
    assert "Deals lost from Jan 1, 2020 to Dec 31, 2020" in old and ">1</td>" in old
    assert client_as(rita).get("/sales/lost?start=2020-13-01").status_code == 400
    assert client_as(rita).get("/sales/lost?start=2021-01-01&end=2020-01-01").status_code == 400


def test_the_report_leaves_out_what_the_role_hides(sales_app, make_deal, reasons, client_as, make_user):
    with sales_app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "sales_rep"))
        session.add(RoleFieldRule(role_id=role_id, entity="sales_deal", field="amount", rule="hidden"))
        session.commit()
    rita = make_user(name="Rita")
    make_deal("A", stage="Lost", owner_id=rita.id, lost_reason_id=reasons["Price"],
              amount={"amount": "1000", "currency": "EUR"})
    page = client_as(rita).get("/sales/lost").text
    table = page[page.index('<table class="grid lost-reasons">'):page.index("</table>")]
    assert "Price" in table and "€" not in table and "Amount" not in table


def test_the_reports_and_reasons_speak_spanish(sales_app, make_deal, reasons, client_as, make_user):
    rita = make_user(name="Rita", locale="es")
    make_deal("A", stage="Lost", user=rita, lost_reason_id=reasons["Price"])
    page = client_as(rita).get("/sales/lost").text
    assert "<h1>Motivos de pérdida</h1>" in page and "Oportunidades perdidas del" in page
    deal = make_deal("B", user=rita)
    with sales_app.app_context():
        stage = records.query("sales_stage", user=None).where({"outcome": "lost"}).page().items[0]
    answer = client_as(rita).post("/sales/deals/move", data={"id": deal.id, "version": deal.version,
                                                             "value": stage.id})
    assert answer.json["message"] == "Indique por qué se perdió la oportunidad."
