"""The tax books add up to the invoices behind them: the register of issued invoices (page, CSV, XLSX, API)
and the modelo 303 and 347 figures, against amounts worked out here from the lines' prices and rates."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from sqlalchemy import select

from trato import records, roles, session
from trato_invoicing.billing import books
from trato_invoicing.issuing import create_invoice, issue

import test_billing_support
from test_billing_support import credit_note, customer, issued

invoicing_app = test_billing_support.invoicing_app  # the app in the euro, for the conftest's

D = Decimal
YEAR = date.today().year - 1  # a closed year: every quarter in the past
Q2 = date(YEAR, 5, 14)


def pct(base: str, rate: str) -> Decimal:
    """base x rate %, rounded half up to the cent: the tax on one rate's base, worked out independently."""
    return (D(base) * D(rate) / 100).quantize(D("0.01"), rounding="ROUND_HALF_UP")


@pytest.fixture
def admin(make_user, invoicing_app):
    return make_user(admin=True, app=invoicing_app)


@pytest.fixture
def quarter(invoicing_app, admin):
    """Q2 of last year: two domestic invoices (21 % and 10 %), one to a retailer under recargo (21 % + 5.2 %)
    and a 4 % one, then a credit note rectifying the first; one invoice of Q3 that must stay out."""
    with invoicing_app.app_context():
        nortech = customer()
        retailer = customer("Ferretería Uriarte", "B12345674", "compras@uriarte.example")
        first = issued(admin, ("100.00", "IVA21"), ("50.00", "IVA10"), account=nortech, on=Q2)
        issued(admin, ("1000.00", "IVA21"), account=nortech, on=Q2)
        issued(admin, ("200.00", "IVA21"), account=retailer, on=Q2, surcharge="RE5.2")
        issued(admin, ("80.00", "IVA4"), account=retailer, on=Q2)
        credit = credit_note(admin, first, ("100.00", "IVA21"), ("50.00", "IVA10"), on=Q2)
        issued(admin, ("999.00", "IVA21"), account=nortech, on=date(YEAR, 7, 1))
        return {"first": first, "credit": records.get("invoicing_invoice", credit.id, user=None)}


def expected_303() -> dict:
    vat = {D("21"): [D("1300.00"), pct("100", "21") + pct("1000", "21") + pct("200", "21")],
           D("10"): [D("50.00"), pct("50", "10")], D("4"): [D("80.00"), pct("80", "4")]}
    return {"vat": vat, "surcharge": {D("5.2"): [D("200.00"), pct("200", "5.2")]}}


def test_the_303_figures_add_up_to_the_invoices(ctx, admin, quarter):
    figures = books.modelo_303(books.issued_invoices(admin, books.Period.quarter(YEAR, 2)))
    expected = expected_303()
    assert {row["rate"].normalize(): [row["base"], row["amount"]] for row in figures["vat"]} == expected["vat"]
    assert {row["rate"].normalize(): [row["base"], row["amount"]] for row in figures["surcharge"]} \
        == expected["surcharge"]
    assert {row["rate"].normalize(): row["boxes"] for row in figures["vat"]} == {
        D("4"): ("01", "02", "03"), D("10"): ("04", "05", "06"), D("21"): ("07", "08", "09")}
    credit = quarter["credit"]  # the credit note undoes the first invoice: -100 at 21 %, -50 at 10 %
    assert figures["rectifications"] == {"base": D("-150.00"), "amount": -(pct("100", "21") + pct("50", "10"))}
    assert figures["rectifications"]["amount"] == credit["tax_amount"].amount
    accrued = sum((amount for _base, amount in expected["vat"].values()), D(0)) + pct("200", "5.2") \
        + figures["rectifications"]["amount"]
    assert figures["total_accrued"] == accrued


def test_the_register_has_a_row_per_invoice_and_rate_adding_up_to_the_invoices(ctx, admin, quarter):
    rows = list(books.register_rows(books.issued_invoices(admin, books.Period.quarter(YEAR, 2))))
    shown = [dict(zip(books.REGISTER_COLUMNS, row)) for row in rows]
    assert len(shown) == 7  # 2 + 1 + 1 + 1 invoices' rates, and the credit note's 2
    assert {row["Periodo"] for row in shown} == {"2T"} and {row["Ejercicio"] for row in shown} == {YEAR}
    by_rate: dict[Decimal, list[Decimal]] = defaultdict(lambda: [D(0), D(0)])
    for row in shown:
        by_rate[row["Tipo de IVA"].normalize()][0] += row["Base Imponible"]
        by_rate[row["Tipo de IVA"].normalize()][1] += row["Cuota IVA Repercutida"]
    assert dict(by_rate) == {D("21"): [D("1200.00"), pct("1000", "21") + pct("200", "21")],
                             D("10"): [D("0.00"), D("0.00")], D("4"): [D("80.00"), pct("80", "4")]}
    surcharge = [row for row in shown if row["Cuota Recargo Equivalencia"]]
    assert [(r["Base Imponible"], r["Tipo de Recargo eq."].normalize(), r["Cuota Recargo Equivalencia"])
            for r in surcharge] == [(D("200.00"), D("5.2"), pct("200", "5.2"))]
    assert sum(row["Total Factura"] or 0 for row in shown) == D("1210.00") + D("242.00") + D("10.40") \
        + D("83.20")  # the credit note cancels the first invoice's 176.00
    credit_rows = [row for row in shown if row["Tipo de Factura"] == "R1"]
    assert {row["Factura Rectificada"] for row in credit_rows} == {quarter["first"]["number"]}
    first = quarter["first"]["number"]
    assert [(r["Serie"], r["Número"]) for r in shown if f'{r["Serie"]}-{r["Número"]}' == first] == \
        [tuple(first.rsplit("-", 1))] * 2


def test_csv_xlsx_and_api_carry_the_same_register(invoicing_app, admin, quarter, client_as, api_client_as):
    client = client_as(admin)
    page = client.get(f"/invoicing/billing/books?year={YEAR}&quarter=2")
    assert page.status_code == 200 and quarter["first"]["number"] in page.text and "Modelo 303" in page.text
    sheet = client.get(f"/invoicing/billing/books/register.csv?year={YEAR}&quarter=2")
    assert sheet.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(table[0]) == books.REGISTER_COLUMNS and len(table) == 8
    assert sum(D(row[11].replace(",", ".")) for row in table[1:]) == D("1280.00")  # bases, credit note netted
    workbook = load_workbook(io.BytesIO(client.get(f"/invoicing/billing/books/register.xlsx?year={YEAR}&quarter=2")
                                        .data))
    cells = list(workbook.active.iter_rows(values_only=True))
    assert tuple(cells[0]) == books.REGISTER_COLUMNS and len(cells) == 8
    assert sum(D(str(row[11])) for row in cells[1:]) == D("1280.00")
    api = api_client_as(admin)
    register = api.get(f"invoicing/books/register?year={YEAR}&quarter=2").get_json()
    assert register["columns"] == list(books.REGISTER_COLUMNS)
    rows = [dict(zip(register["columns"], row)) for row in register["rows"]]
    assert len(rows) == 7 and rows[0]["Ejercicio"] == YEAR
    assert sum(D(row["Base Imponible"]) for row in rows) == D("1280.00")
    refused = api.get(f"invoicing/books/303?year={YEAR}&quarter=5")
    assert refused.status_code == 422 and "quarter" in refused.get_data(as_text=True)


def test_modelo_347_lists_customers_above_the_threshold_by_quarter(ctx, admin, quarter):
    listed = books.modelo_347(books.year_for_347(admin, YEAR))
    # Nortech: 1,210.00 in Q2 (176.00 cancelled by the credit note) and 1,208.79 in Q3: under 3,005.06.
    assert listed == []
    issued(admin, ("2000.00", "IVA21"), account=customer("Nortech Software", "B95472163"), on=date(YEAR, 11, 3))
    # A professional's invoices with IRPF withheld go on modelo 190, not here, however large.
    professional = customer("Estudio Arquitectura Rioja", "B26430991")
    draft = create_invoice({"kind": "invoice", "account_id": professional.id, "issue_date": date(YEAR, 10, 6)},
                           [{"description": "Proyecto", "quantity": "1", "unit_price": {"amount": "9000.00",
                                                                                       "currency": "EUR"},
                             "tax_id": test_billing_support.tax("IVA21"),
                             "withholding_id": test_billing_support.tax("IRPF15")}], user=admin)
    issue(draft.id, user=admin)
    listed = books.modelo_347(books.year_for_347(admin, YEAR))
    assert [(c["tax_id"], c["total"], c["quarters"]) for c in listed] == [
        ("B95472163", D("4838.79"), [D("0"), D("1210.00"), D("1208.79"), D("2420.00")])]


def test_a_role_hiding_an_amount_gets_no_books(invoicing_app, make_user, client_as, api_client_as):
    rep = make_user(app=invoicing_app)  # the default role, sales_rep
    assert client_as(rep).get(f"/invoicing/billing/books?year={YEAR}").status_code == 200
    with invoicing_app.app_context():
        db = session()
        role_id = db.scalar(select(roles.Role.id).where(roles.Role.name == "sales_rep"))
        db.add(roles.RoleFieldRule(role_id=role_id, entity="invoicing_invoice", field="total", rule="hidden"))
        db.commit()
    assert client_as(rep).get(f"/invoicing/billing/books?year={YEAR}").status_code == 403
    refused = api_client_as(rep).get(f"invoicing/books/303?year={YEAR}&quarter=2")
    assert refused.status_code == 403 and "total" in refused.get_data(as_text=True)


def _position(name: str, **values) -> int:
    found = records.query("catalog_fiscal_position", user=None).where({"name": name}).page(limit=1).items
    return found[0].id if found else records.create("catalog_fiscal_position", {"name": name, **values}, user=None).id


def _product(code: str, kind: str) -> int:
    category = records.query("catalog_tax_category", user=None).where({"name": "General"}).page(limit=1).items[0]
    return records.create("catalog_product", {"code": code, "name": code, "kind": kind, "unit": "unit",
                                              "list_price": {"amount": "1", "currency": "EUR"},
                                              "tax_category_id": category.id}, user=None).id


def _untaxed(user, position: int, *lines: tuple[str, int | None], tax_id: str = "B95472163") -> None:
    """An issued invoice charging no Spanish VAT under a fiscal position: lines of (net price, product)."""
    account = customer(f"Cliente {position} {len(lines)}", tax_id)
    draft = create_invoice({"kind": "invoice", "account_id": account.id, "issue_date": Q2,
                            "fiscal_position_id": position},
                           [{"description": f"Línea {n}", "quantity": "1", "product_id": product,
                             "unit_price": {"amount": price, "currency": "EUR"}, "tax_id": None}
                            for n, (price, product) in enumerate(lines, 1)], user=user)
    issue(draft.id, user=user)


def test_the_303_additional_information_sorts_the_untaxed_bases_by_fiscal_position(ctx, admin):
    """Intra-EU supplies (59), exports and goods to the Canary Islands (60), services there (120), a domestic
    reverse charge (122); the taxed invoices beside them are in none of those boxes."""
    issued(admin, ("100.00", "IVA21"), on=Q2)
    _untaxed(admin, _position("Intra-EU business"), ("1000.00", None), tax_id="FR40303265045")
    _untaxed(admin, _position("Export"), ("700.00", None))
    islands = _position("Canary Islands, Ceuta and Melilla")
    _untaxed(admin, islands, ("300.00", _product("GOODS-1", "product")), ("120.00", _product("SERV-1", "service")),
             ("30.00", None))
    construction = _position("Construcción: inversión del sujeto pasivo", regime="domestic", reverse_charge=True,
                             withholding=False)
    _untaxed(admin, construction, ("5000.00", None))
    figures = books.modelo_303(books.issued_invoices(admin, books.Period.quarter(YEAR, 2)))
    assert figures["information"] == {"59": D("1000.00"), "60": D("700.00") + D("330.00"), "120": D("120.00"),
                                      "122": D("5000.00")}
    assert [(row["rate"].normalize(), row["base"]) for row in figures["vat"]] == [(D("21"), D("100.00"))]
