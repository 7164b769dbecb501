"""Demo data: for the first demo accounts, an accepted quote turned into a sales order and partly invoiced, a
quote sent, issued invoices (IVA 21 % and 10 %, a professional's with IRPF withheld), a credit note and a
draft.

The demo is loaded in one session of its own, uncommitted until every plugin's demo is in (the demo accounts
too), so the rows are written to it directly rather than through the record service; the totals are worked
out by the same `totals.document_totals` the entities use, and the numbers are taken from the documents'
series in that session.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import column, insert, select, table
from sqlalchemy.orm import Session

from trato import Money, companies, demo_owners, numbering

from .issuing import country_name
from .models import Invoice, InvoiceLine, InvoiceTax, Order, OrderLine, Quote, QuoteLine
from .setup import SERIES
from .totals import document_totals, tax_rows

ACCOUNTS = table("contacts_account", column("id"), column("name"), column("legal_name"), column("tax_id"),
                 column("billing_street"), column("billing_postcode"), column("billing_city"),
                 column("billing_country"), column("deleted_at"))
TAXES = table("catalog_tax", column("id"), column("code"))
D = Decimal

# (description en, description es, quantity, unit price, VAT code, withholding code)
WEB = [("Website set-up", "Puesta en marcha de la web", D(1), D("1200.00"), "IVA21", None),
       ("Web hosting, 12 months", "Alojamiento web, 12 meses", D(12), D("25.00"), "IVA21", None),
       ("Training day", "Jornada de formación", D(2), D("450.00"), "IVA21", None)]
SUPPLIES = [("Office coffee, 1 kg", "Café para oficina, 1 kg", D(6), D("18.50"), "IVA10", None),
            ("Consulting hour", "Hora de consultoría", D(4), D("85.00"), "IVA21", None)]
ADVICE = [("Tax advice, quarter", "Asesoría fiscal, trimestre", D(1), D("600.00"), "IVA21", "IRPF15")]


def _flat(values: dict[str, Any]) -> dict[str, Any]:
    """Field values as columns: a money value is its amount and its `_currency`."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Money):
            out[name], out[f"{name}_currency"] = value.amount, value.currency
        else:
            out[name] = value
    return out


class DemoWriter:
    """Writes the demo's documents with their lines and totals into the demo session."""

    def __init__(self, session: Session, locale: str) -> None:
        self.session, self.spanish = session, locale == "es"
        now = datetime.now(timezone.utc)
        self.stamp = {"created_at": now, "updated_at": now, "version": 1}
        self.taxes = dict(session.execute(select(TAXES.c.code, TAXES.c.id)).all())
        owners = demo_owners(session)
        self.owner = {"owner_id": owners[0].user_id, "team_id": owners[0].team_id} if owners else {}

    def lines(self, rows: list[tuple[Any, ...]], sign: int = 1) -> list[dict[str, Any]]:
        return [{"description": es if self.spanish else en, "quantity": quantity * sign,
                 "unit_price": Money(price, "EUR"), "tax_id": self.taxes.get(vat),
                 "withholding_id": self.taxes.get(withholding) if withholding else None}
                for en, es, quantity, price, vat, withholding in rows]

    def number(self, code: str, on: date) -> str:
        series = numbering.install_series(self.session, code, SERIES[code][0], label=str(SERIES[code][1]))
        return numbering.take(self.session, series, on).text

    def write(self, model: Any, line_model: Any, values: dict[str, Any], lines: list[dict[str, Any]]) -> Any:
        """The document and its lines, totals worked out; returns its values as written, `id` included."""
        child = line_model.__tablename__
        totals = document_totals(values, {child: lines})
        done = {**values, **totals.document}
        done["id"] = self.session.execute(insert(model).returning(model.id),
                                          {**_flat(done), **self.owner, **self.stamp}).scalar_one()
        made = [{**line, **computed} for line, computed in zip(lines, totals.lines[child])]
        for position, line in enumerate(made, start=1):
            self.session.execute(insert(line_model), {**_flat(line), "parent_id": done["id"], "position": position,
                                                      **self.stamp})
        done["lines"] = made
        return done

    def issued(self, account: Any, on: date, rows: list[dict[str, Any]], **values: Any) -> Any:
        """An issued invoice: numbered in its series, the customer kept, its tax rows frozen."""
        kind = values.get("kind", "invoice")
        town = " ".join(part for part in (account.billing_postcode, account.billing_city) if part)
        country = country_name(account.billing_country, companies.default_company().locale)
        snapshot = {"customer_name": account.legal_name or account.name, "customer_tax_id": account.tax_id,
                    "customer_address": "\n".join(p for p in (account.billing_street, town, country) if p) or None}
        code = {"invoice": "invoicing_invoice", "rectifying": "invoicing_rectifying"}[kind]
        base = {"kind": kind, "account_id": account.id, "issue_date": on, "operation_date": on,
                "status": "issued", "number": self.number(code, on), "exchange_rate": D(1), "advance": False,
                "currency": "EUR", "due_date": on + timedelta(days=30), "payment_status": "unpaid", **snapshot,
                **values}
        invoice = self.write(Invoice, InvoiceLine, base, rows)
        self.session.execute(insert(InvoiceTax), [
            {"invoice_id": invoice["id"], "kind": r.kind, "tax_id": r.tax_id, "code": r.code, "rate": r.rate,
             "base": r.base, "amount": r.amount, "currency": r.currency, "exemption": r.exemption}
            for r in tax_rows(invoice, invoice["lines"], "EUR")])
        self.session.execute(Invoice.__table__.update().where(Invoice.id == invoice["id"]).values(
            paid=D(0), paid_currency="EUR", balance=invoice["total"].amount, balance_currency="EUR"))
        return invoice


def load(session: Session, locale: str) -> None:
    accounts = session.execute(select(ACCOUNTS).where(ACCOUNTS.c.deleted_at.is_(None))
                               .order_by(ACCOUNTS.c.id).limit(4)).all()
    if len(accounts) < 4:
        return  # the contacts demo made no accounts to bill
    demo, today = DemoWriter(session, locale), date.today()
    first, second, third, fourth = accounts
    quote = demo.write(Quote, QuoteLine, {
        "number": demo.number("invoicing_quote", today - timedelta(days=30)), "revision": 1,
        "account_id": first.id, "issue_date": today - timedelta(days=30), "valid_until": today,
        "status": "accepted", "currency": "EUR", "global_discount": D(5)}, demo.lines(WEB))
    order = demo.write(Order, OrderLine, {
        "number": demo.number("invoicing_order", today - timedelta(days=25)), "quote_id": quote["id"],
        "account_id": first.id, "order_date": today - timedelta(days=25), "status": "partly_invoiced",
        "currency": "EUR", "global_discount": D(5)}, demo.lines(WEB))
    part = demo.issued(first, today - timedelta(days=20), demo.lines(WEB[:1]), order_id=order["id"],
                       quote_id=quote["id"], global_discount=D(5))
    session.execute(OrderLine.__table__.update().where(OrderLine.parent_id == order["id"], OrderLine.position == 1)
                    .values(invoiced_quantity=D(1)))
    session.execute(Order.__table__.update().where(Order.id == order["id"]).values(
        invoiced_amount=part["total"].amount, invoiced_amount_currency="EUR"))
    demo.write(Quote, QuoteLine, {
        "number": demo.number("invoicing_quote", today - timedelta(days=3)), "revision": 1,
        "account_id": second.id, "issue_date": today - timedelta(days=3), "valid_until": today + timedelta(days=27),
        "status": "sent", "currency": "EUR"}, demo.lines(SUPPLIES))
    supplies = demo.issued(second, today - timedelta(days=12), demo.lines(SUPPLIES))
    demo.issued(second, today - timedelta(days=2), demo.lines(SUPPLIES[:1], sign=-1), kind="rectifying",
                rectifies_id=supplies["id"], rectification_reason="R1", rectification_method="differences")
    demo.issued(third, today - timedelta(days=8), demo.lines(ADVICE))
    demo.write(Invoice, InvoiceLine, {"kind": "invoice", "status": "draft", "account_id": fourth.id,
                                      "issue_date": today, "currency": "EUR", "advance": False},
               demo.lines(SUPPLIES[1:]))
