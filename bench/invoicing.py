"""Quote to cash at a million invoices (issue 18): each figure beside the same SQL run directly.

A database of its own gets the bench's people and accounts, then --invoices issued invoices with five lines
each, their tax rows, instalments and payments, written by INSERT … SELECT in the database (the rows a
record-service import would make, without its audit: the reads measured below do not touch the audit), and
--subscriptions monthly subscriptions due today, made through the record service. Then, as the
administrator and as a rep who sees only their own records:

- the overdue invoices of the account with the most invoices (API and HTML list);
- that account's statement (API and HTML page);
- the issued-invoices register of one quarter (the books API: rows/s);
- issuing a draft invoice through the API (p50: number, tax rows, instalments and the kept PDF);
- an issued invoice's PDF (the kept one) and a draft's (rendered);
- the recurring run over every due subscription (draft invoices), and a smaller run issuing and emailing them.

    python invoicing.py --database postgresql://postgres@127.0.0.1:5432/bench_invoicing --fresh

PostgreSQL only: the issue asks for these figures there, and the rows are made with its generate_series.

Without --fresh an existing bench database is used as it is (brought up to date by the migrations), and the
recurring run is left out: its subscriptions were billed by the run that made them.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy import text

from benchdb import open_app, recreate
from fake import Fake
from generate import Owners, Writer, accounts, analyse, set_up
from measure import Spread
from run import Bench, Row
from trato import records
from trato.hooks import switch
from trato_invoicing.recurring.billing import bill_due

LINES = 5
DAYS = 3 * 365  # invoices spread over three years up to today
QUARTER = (2026, 3)


def _sql(app: Flask, statement: str, **params: Any) -> None:
    engine = app.extensions["trato"].engine
    start = time.perf_counter()
    with engine.begin() as conn:
        done = conn.execute(text(statement), params).rowcount
    print(f"  {statement.split('(')[0].strip()[:48]:<48} {done:>10,} rows {time.perf_counter() - start:7.1f} s",
          flush=True)


def _ids(app: Flask, sql: str) -> dict[str, int]:
    with app.extensions["trato"].engine.connect() as conn:
        return {str(k): v for k, v in conn.execute(text(sql)).all()}


def fill(app: Flask, invoices: int, subscriptions: int, seed: int) -> None:
    """People, plugins, accounts, then the invoices and their rows in the database, then subscriptions."""
    set_up(app)
    for plugin in ("catalog", "invoicing"):
        switch.enable(app, plugin)
    Writer(app, raw=True).write("contacts_account", accounts(Fake(seed), Owners(app), max(invoices // 50, 10)))
    tax = _ids(app, "SELECT code, id FROM catalog_tax WHERE code = 'IVA21'")["IVA21"]
    _sql(app, "UPDATE contacts_account SET tax_id = 'B' || (10000000 + id), billing_country = 'ES'")
    _sql(app, "UPDATE core_company SET legal_name = 'Bench Servicios SL', tax_id = 'B12345674', country = 'ES', "
              "base_currency = 'EUR', locale = 'es_ES' WHERE is_default")
    company = _ids(app, "SELECT 'default', min(id) FROM core_company")["default"]
    with app.extensions["trato"].engine.connect() as conn:
        n_accounts, low = conn.execute(text("SELECT count(*), min(id) FROM contacts_account")).one()
    # The issue date grows with the id (numbers are correlative), over three years up to today; accounts are
    # skewed (the first ones buy most). Line k of invoice g: quantity 1..5, unit price 10..499.
    quantity, price = "(1 + (g + k) % 5)", "(10 + (g * 31 + k * 17) % 490)"
    net = f"(SELECT sum({quantity} * {price}) FROM generate_series(1, {LINES}) AS l(k))"
    _sql(app, f"""INSERT INTO invoicing_invoice (id, owner_id, team_id, created_at, updated_at, version, kind,
        number, status, issue_date, operation_date, company_id, account_id, customer_name, customer_tax_id,
        customer_address, currency, global_discount, advance, due_date, exchange_rate, net_amount,
        net_amount_currency, tax_amount, tax_amount_currency, surcharge_amount, surcharge_amount_currency,
        withholding_amount, withholding_amount_currency, total, total_currency, paid, paid_currency, balance,
        balance_currency, payment_status)
      SELECT g, a.owner_id, a.team_id, now(), now(), 1, 'invoice', 'F' || extract(year FROM d) || '-' || g,
        'issued', d, d, :company, a.id, a.name, 'B' || (10000000 + a.id), a.billing_city, 'EUR', 0, false, d + 30, 1,
        net, 'EUR', round(net * 0.21, 2), 'EUR', 0, 'EUR', 0, 'EUR', net + round(net * 0.21, 2), 'EUR', 0, 'EUR',
        net + round(net * 0.21, 2), 'EUR', 'unpaid'
      FROM (SELECT g, CAST(:first AS date) + CAST(floor((g - 1) * CAST(:days AS bigint) / :n) AS integer) AS d,
                   {net} AS net,
                   :low + CAST(floor(power(((g * 7919) % 1000003) / 1000003.0, 2) * :accounts) AS integer) AS account
            FROM generate_series(1, CAST(:n AS bigint)) AS s(g)) AS i
      JOIN contacts_account a ON a.id = i.account""", n=invoices, days=DAYS, company=company, accounts=n_accounts,
         low=low, first=(date.today() - timedelta(days=DAYS - 1)).isoformat())
    # 70 % paid, 10 % half paid, the rest unpaid: overdue once due.
    _sql(app, "UPDATE invoicing_invoice SET paid = total, balance = 0, payment_status = 'paid' WHERE id % 10 < 7")
    _sql(app, "UPDATE invoicing_invoice SET paid = round(total / 2, 2), balance = total - round(total / 2, 2), "
              "payment_status = 'partly_paid' WHERE id % 10 = 7")
    _sql(app, "UPDATE invoicing_invoice SET payment_status = 'overdue' WHERE balance > 0 AND due_date < :today",
         today=date.today().isoformat())
    _sql(app, f"""INSERT INTO invoicing_invoice_line (owner_id, team_id, created_at, updated_at, version, parent_id,
        position, description, quantity, unit, unit_price, unit_price_currency, discount, tax_id, net, net_currency)
      SELECT owner_id, team_id, now(), now(), 1, g, k, 'Service ' || k, {quantity}, 'h', {price}, 'EUR', 0, :tax,
        {quantity} * {price}, 'EUR'
      FROM (SELECT id AS g, owner_id, team_id FROM invoicing_invoice) AS i
      CROSS JOIN generate_series(1, {LINES}) AS l(k)""", tax=tax)
    _sql(app, """INSERT INTO invoicing_invoice_tax (invoice_id, kind, tax_id, code, rate, base, amount, currency)
      SELECT id, 'vat', :tax, 'IVA21', 21, net_amount, tax_amount, 'EUR' FROM invoicing_invoice""", tax=tax)
    _sql(app, """INSERT INTO invoicing_instalment (invoice_id, position, due_date, amount, currency)
      SELECT id, 1, due_date, total, 'EUR' FROM invoicing_invoice""")
    _sql(app, """INSERT INTO invoicing_payment (owner_id, team_id, created_at, updated_at, version, invoice_id,
        account_id, payment_date, amount, amount_currency, method)
      SELECT owner_id, team_id, now(), now(), 1, id, account_id, due_date - 5, paid, 'EUR', 'transfer'
      FROM invoicing_invoice WHERE paid > 0""")
    _sql(app, "SELECT setval(pg_get_serial_sequence('invoicing_invoice', 'id'), (SELECT max(id) "
              "FROM invoicing_invoice))")
    _sql(app, "SELECT setval(pg_get_serial_sequence('invoicing_invoice_line', 'id'), (SELECT max(id) "
              "FROM invoicing_invoice_line))")
    analyse(app)
    _subscriptions(app, subscriptions, tax)


def _subscriptions(app: Flask, n: int, tax: int) -> None:
    """Monthly subscriptions of one line each, started a year ago and due today, through the record service."""
    with app.extensions["trato"].engine.connect() as conn:
        account_ids = list(conn.execute(text("SELECT id FROM contacts_account ORDER BY id LIMIT :n"), {"n": n})
                           .scalars())
    today = date.today()
    start = time.perf_counter()
    with app.test_request_context():
        for offset in range(0, n, 500):
            records.bulk_create("invoicing_subscription", [{
                "name": f"Support plan {i}", "account_id": account_ids[i % len(account_ids)],
                "frequency": "monthly", "interval": 1, "start_date": today.replace(day=1) - timedelta(days=365),
                "next_date": today, "mode": "draft", "status": "active",
                "lines": [{"description": "Support", "quantity": "1", "unit_price": {"amount": "90", "currency": "EUR"},
                           "tax_id": tax}]} for i in range(offset, min(offset + 500, n))], user=None)
    print(f"  {n:,} subscriptions in {time.perf_counter() - start:.1f} s", flush=True)
    with app.test_request_context():
        records.bulk_create("invoicing_subscription", [{
            "name": f"Issued plan {i}", "account_id": account_ids[i % len(account_ids)], "frequency": "monthly",
            "interval": 1, "start_date": today.replace(day=1) - timedelta(days=365),
            "next_date": today + timedelta(days=1), "mode": "issue", "status": "active",
            "lines": [{"description": "Support", "quantity": "1", "unit_price": {"amount": "90", "currency": "EUR"},
                       "tax_id": tax}]} for i in range(ISSUED_SUBSCRIPTIONS)], user=None)


ISSUED_SUBSCRIPTIONS = 200  # billed the day after the others, issued and emailed: a PDF and a message each


class InvoicingBench(Bench):
    """The figures of issue 18, in the table bench/run.py prints."""

    def top_account(self) -> tuple[int, int, int]:
        """The account with the most invoices: its id, its invoices, its overdue ones."""
        with self.engine.connect() as conn:
            return tuple(conn.execute(text(
                "SELECT account_id, count(*), count(*) FILTER (WHERE payment_status = 'overdue') "
                "FROM invoicing_invoice GROUP BY account_id ORDER BY count(*) DESC LIMIT 1")).one())

    def lists(self) -> None:
        account, count, overdue = self.top_account()
        self.notes.append(f"The account with the most invoices (#{account}) has {count:,}, {overdue:,} overdue.")
        query = urlencode({"account_id": account, "payment_status": "overdue", "sort": "-issue_date"})
        for kind, base in (("API", "/api/v1/invoicing_invoice?"), ("HTML", "/r/invoicing_invoice/?")):
            self.page(f"{kind} overdue invoices of one account", base + query)
            self.page(f"{kind} rep's own overdue invoices", base + "payment_status=overdue&sort=-issue_date",
                      who="rep")
        self.page("API statement of that account (this year)", f"/api/v1/invoicing/statement/{account}")
        self.page("HTML statement of that account (this year)", f"/invoicing/billing/statement/{account}")
        self.page(f"API statement of that account ({DAYS // 365} years)",
                  f"/api/v1/invoicing/statement/{account}?from={date.today() - timedelta(days=DAYS)}")

    def register(self) -> None:
        year, quarter = QUARTER
        path = f"/api/v1/invoicing/books/register?year={year}&quarter={quarter}"
        self.page(f"API register of issued invoices, {year} Q{quarter}", path)
        rows = len(self.client("admin", True)[0].get(path, headers=self.client("admin", True)[1]).json["rows"])
        took = self.rows[-1].trato.median if self.rows[-1].trato else 0
        self.figure(f"  register rows/s ({rows:,} rows)", f"{rows / took:,.0f}" if took else "")
        self.page(f"CSV register of issued invoices, {year} Q{quarter}",
                  f"/invoicing/billing/books/register.csv?year={year}&quarter={quarter}")

    def drafts(self, n: int) -> list[int]:
        account, *_ = self.top_account()
        with self.app.test_request_context():
            made = [records.create("invoicing_invoice", {
                "kind": "invoice", "account_id": account, "currency": "EUR",
                "lines": [{"description": f"Consulting {k}", "quantity": str(k), "unit_price": {
                    "amount": "120", "currency": "EUR"}, "tax_id": self.tax} for k in range(1, LINES + 1)]},
                user=None) for _ in range(n)]
        return [draft.id for draft in made]

    def issuing(self) -> None:
        client, headers = self.client("admin", True)
        drafts = self.drafts(self.times + 2)

        def issue(draft: int) -> Any:
            answer = client.post(f"/api/v1/invoicing_invoice/{draft}/issue", json={}, headers=headers)
            if answer.status_code != 200:
                raise RuntimeError(f"issue {draft}: {answer.status_code} {answer.get_data(as_text=True)}")
            return answer

        issue(drafts.pop())  # warm-up
        wall, cpu = [], []
        for draft in drafts[:-1]:
            start, start_cpu = time.perf_counter(), time.process_time()
            issue(draft)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        _answer, captured = self.recorder.capture(lambda: issue(drafts[-1]))
        self.rows.append(Row("API issue a draft invoice of 5 lines (number, taxes, instalments, PDF kept)",
                             Spread(wall), Spread(cpu), None, len(captured.statements)))
        print(self.rows[-1].line(), flush=True)
        self.page("PDF of an issued invoice (the kept one)", f"/r/invoicing_invoice/{drafts[0]}/document.pdf")
        draft = self.drafts(1)[0]
        self.page("PDF of a draft invoice (rendered)", f"/r/invoicing_invoice/{draft}/document.pdf")

    def recurring(self) -> None:
        for day, label in ((date.today(), "draft invoices"),
                           (date.today() + timedelta(days=1), "issued and emailed")):
            with self.app.test_request_context():
                start, start_cpu = time.perf_counter(), time.process_time()
                made = bill_due(day)
                took, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            self.figure(f"recurring run: {made:,} subscriptions billed, {label}",
                        f"{took:8.1f} s, {made / took:,.0f}/s (CPU {cpu:.1f} s)")

    @property
    def tax(self) -> int:
        return _ids(self.app, "SELECT code, id FROM catalog_tax WHERE code = 'IVA21'")["IVA21"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="postgresql://.../bench*")
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--repeat", type=int, default=11, help="timed runs of each request (after one warm-up)")
    args = parser.parse_args()
    if not args.database.startswith("postgresql"):
        raise SystemExit("the invoicing bench runs on PostgreSQL (its rows are made with generate_series)")
    if args.fresh:
        recreate(args.database)
    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(args.database, Path(tmp) / "instance")
        if args.fresh:
            start = time.perf_counter()
            with app.app_context():
                fill(app, args.invoices, args.subscriptions, args.seed)
            print(f"  filled in {time.perf_counter() - start:.0f} s", flush=True)
        bench = InvoicingBench(app, max(args.repeat, 1), quick=False)
        with bench.engine.connect() as conn:
            invoices, lines = conn.execute(text(
                "SELECT (SELECT count(*) FROM invoicing_invoice), (SELECT count(*) FROM invoicing_invoice_line)")).one()
        title = (f"{bench.engine.dialect.name}, {invoices:,} invoices with {lines:,} lines, repeat {bench.times}; "
                 f"load average at start {os.getloadavg()[0]:.1f}")
        print(title, flush=True)
        bench.lists()
        bench.register()
        bench.issuing()
        if args.fresh:  # the subscriptions are due once: a run on an existing database finds them billed
            bench.recurring()
        bench.engine.dispose()
        print()
        print(bench.table(f"{title}, at the end {os.getloadavg()[0]:.1f}"))


if __name__ == "__main__":
    main()
