"""Run the CRM workload of issue 7 against a database made by bench/generate.py and print one table.

    python bench/run.py --database sqlite:////tmp/bench100k.db --repeat 21
    python bench/run.py --database postgresql://postgres@127.0.0.1:5432/bench100k --repeat 21

Pages are timed in-process through Flask's test client (API with a bearer
token, HTML pages with a signed-in session); each figure is the median of
`--repeat` runs after one warm-up, with the 25th–75th percentiles (min–max
under four runs). "SQL" is the same statements, replayed directly on the
database in the same run (see measure.py), and "x" the ratio. "stmts" is
the number of SQL statements the request sent. Throughput, memory and cold
start come from a real gunicorn with deploy/gunicorn.conf.py on loopback.
Rows the run adds (API creates, the CSV import) are deleted at the end, and
the custom field it adds is deleted again, so runs can follow one another.
"""
from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, text

import serve
from benchdb import ADMIN_EMAIL, REP_EMAIL, open_app, server_env, user
from fake import Fake
from measure import Spread, SqlRecorder, repeat, replay
from trato import records, tokens
from trato.filter_indexes.build import make_now, set_kept
from trato.filter_indexes.kinds import definition
from trato.filter_indexes.models import FilterIndex
from trato.models import User
from trato.records.audit import AuditEntry
from trato.schema import FieldSpec, add_field, delete_field
from trato.testing import signed_in_client
from trato.transfer import export, imports

CONTACTS = "contacts_contact"
API = f"/api/v1/{CONTACTS}"
HTML = f"/r/{CONTACTS}/"
DEEP_PAGE = 2000
UNINDEXED_DEEP_PAGE = 10  # the unindexed lists: page 10, or their last when shorter
EMAIL_FRAGMENT = "ia.r"  # maria.r…, garcia.r…: about 1.3 % of the generated contacts
# The list every variant starts from: a custom-field filter, sorted by an indexed text field, 50 rows.
FILTERED_SORTED = "cf_segment=mid&sort=last_name"


@dataclass
class Row:
    label: str
    trato: Spread | None = None
    cpu: Spread | None = None
    sql: Spread | None = None
    statements: int | None = None
    value: str = ""  # for figures that are not a page's time (rows/s, req/s, MB)

    def line(self) -> str:
        trato = self.trato.ms() if self.trato else self.value
        cpu = f"{self.cpu.median * 1000:8.2f}" if self.cpu else ""
        sql = self.sql.ms() if self.sql else ""
        ratio = f"{self.trato.median / self.sql.median:5.1f}" if self.trato and self.sql and self.sql.median else ""
        stmts = "" if self.statements is None else str(self.statements)
        return f"| {self.label} | {trato} | {cpu} | {sql} | {ratio} | {stmts} |"


class Bench:
    def __init__(self, app: Flask, times: int, quick: bool) -> None:
        self.app, self.times, self.quick = app, times, quick
        self.engine = app.extensions["trato"].engine
        self.recorder = SqlRecorder(self.engine)
        self.admin, self.rep = user(app, ADMIN_EMAIL), user(app, REP_EMAIL.format(1))
        self.html = {who: signed_in_client(app, u) for who, u in (("admin", self.admin), ("rep", self.rep))}
        self.tokens = {who: self._token(u) for who, u in (("admin", self.admin), ("rep", self.rep))}
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def _token(self, who: User) -> str:
        with self.app.extensions["trato"].sessionmaker() as session:
            _token, secret = tokens.create(session, session.get(User, who.id), "bench", tokens.WRITE, 1)
            session.commit()
        return secret

    def client(self, who: str, api: bool) -> tuple[FlaskClient, dict[str, str]]:
        if api:
            return self.app.test_client(), {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.html[who], {}

    def page(self, label: str, path: str, who: str = "admin") -> None:
        """Time a GET and the same SQL directly; refuse anything but a 200 (a login redirect would time nothing)."""
        client, headers = self.client(who, path.startswith("/api/"))

        def call() -> Any:
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{label}: {path} answered {response.status_code} "
                                   f"{response.headers.get('Location', '')}")
            return response

        self.timed(label, call)

    def timed(self, label: str, call: Callable[[], Any]) -> None:
        trato, cpu = repeat(call, self.times)
        _result, captured = self.recorder.capture(call)
        raw = [replay(self.engine, captured) for _ in range(self.times)]
        sql = Spread([s for s in raw if s is not None]) if None not in raw else None
        self.rows.append(Row(label, trato, cpu, sql, len(captured.statements)))
        print(self.rows[-1].line(), flush=True)

    def figure(self, label: str, value: str) -> None:
        self.rows.append(Row(label, value=value))
        print(self.rows[-1].line(), flush=True)

    def cursor_at(self, page: int, sort: str, who: User, filters: dict[str, str] | None = None) -> tuple[str, int]:
        """The cursor of page `page` (or the last one there is), reached by following cursors page by page."""
        with self.app.test_request_context():
            query = records.query(CONTACTS, user=who).where(filters or {}).order_by(sort)
            cursor, reached = None, 1
            while reached < page:
                following = query.page(limit=50, cursor=cursor).next_cursor
                if following is None:
                    break
                cursor, reached = following, reached + 1
        return cursor or "", reached

    def lists(self) -> None:
        deep, depth = self.cursor_at(DEEP_PAGE, "last_name", self.admin)
        deep_id, depth_id = self.cursor_at(DEEP_PAGE, "-id", self.admin)
        rep_deep, rep_depth = self.cursor_at(DEEP_PAGE, "last_name", self.rep)
        self.notes.append(f"Deep pages: page {depth} sorted by last name, page {depth_id} by -id, and page "
                          f"{rep_depth} of the rep's list (page {DEEP_PAGE}, or the last page when the table "
                          "has fewer), reached by following next cursors from the first page in-process "
                          "beforehand; only the last hop is timed.")
        for kind, base in (("API", API + "?"), ("HTML", HTML + "?")):
            self.page(f"{kind} list, 50 rows, newest first (+ count)", base + "sort=-id")
            self.page(f"{kind} filter indexed field (last_name=García)", base + "last_name=Garc%C3%ADa")
            self.page(f"{kind} filter custom field (cf_segment=enterprise)", base + "cf_segment=enterprise")
            self.page(f"{kind} prefix search (q=gonz)", base + "q=gonz")
            self.page(f"{kind} prefix filter (last_name__startswith=Mor)", base + "last_name__startswith=Mor")
            self.page(f"{kind} sorted by last_name", base + "sort=last_name")
            self.page(f"{kind} filtered + sorted (cf_segment=mid, last_name)", base + FILTERED_SORTED)
            self.page(f"{kind} deep page {depth}, sorted by last_name", base + f"sort=last_name&cursor={deep}")
            self.page(f"{kind} deep page {depth_id}, newest first", base + f"sort=-id&cursor={deep_id}")
            self.page(f"{kind} rep's own: filtered + sorted", base + FILTERED_SORTED, who="rep")
            self.page(f"{kind} rep's own: sorted, first page", base + "sort=last_name", who="rep")
            self.page(f"{kind} rep's own: deep page {rep_depth}", base + f"sort=last_name&cursor={rep_deep}",
                      who="rep")

    def unindexed_filters(self) -> list[tuple[str, dict[str, str], tuple[str, str]]]:
        """The lists a user makes on fields nobody indexed (issue 16), each with the filter index serving it."""
        with self.engine.connect() as conn:
            contacts = conn.scalar(text("SELECT count(*) FROM contacts_contact")) or 1
            city = conn.scalar(text(
                "SELECT city FROM contacts_contact GROUP BY city ORDER BY abs(count(*) - :share), city LIMIT 1"),
                {"share": contacts / 100})
        ops_on = "contains" if self.engine.dialect.name == "postgresql" else "prefix"
        return [
            ("first_name__startswith=ab", {"first_name__startswith": "ab"}, ("first_name", ops_on)),
            (f"city={city} (≈ 1 %)", {"city": city}, ("city", "btree")),
            (f"email__contains={EMAIL_FRAGMENT}", {"email__contains": EMAIL_FRAGMENT}, ("email", "contains")),
            ("cf_interests__contains=events (multi-select, ≈ 1 %)", {"cf_interests__contains": "events"},
             ("cf_interests", "listed")),
            ("cf_customer_since in one month (date range)",
             {"cf_customer_since__gte": "2024-03-01", "cf_customer_since__lt": "2024-04-01"},
             ("cf_customer_since", "btree")),
        ]

    def unindexed(self, writes: int) -> None:
        """The unindexed lists, then the same with their filter indexes made; the cost of writes beside."""
        filters = self.unindexed_filters()
        self.write_cost(writes, "no filter index")
        self.filtered_lists(filters, "no index")
        made = []
        with self.app.test_request_context():
            for _label, _params, (field, kind) in filters:
                if definition(self.engine.dialect.name, field, kind) is None:
                    self.figure(f"no {kind} filter index on {field}", "none serves this filter on this database")
                    continue
                start = time.perf_counter()
                state = make_now(CONTACTS, field, kind, reason="bench")
                made.append((field, kind))
                self.figure(f"make the {kind} filter index on {field}",
                            f"{state} in {time.perf_counter() - start:.1f} s")
        self.filtered_lists(filters, "filter indexes")
        self.write_cost(writes, f"{len(made)} filter indexes")
        with self.app.test_request_context():
            for field, kind in made:
                set_kept(CONTACTS, field, kind, kept=False)
        with self.app.extensions["trato"].sessionmaker() as session:
            session.execute(delete(FilterIndex).where(FilterIndex.entity == CONTACTS))
            session.commit()

    def filtered_lists(self, filters: list[tuple[str, dict[str, str], tuple[str, str]]], note: str) -> None:
        for label, params, _index in filters:
            query = urlencode(params | {"sort": "last_name"})
            for who, person in (("admin", self.admin), ("rep", self.rep)):
                deep, depth = self.cursor_at(UNINDEXED_DEEP_PAGE, "last_name", person, params)
                for kind, base in (("API", API + "?"), ("HTML", HTML + "?")):
                    whose = "" if who == "admin" else "rep's own: "
                    self.page(f"{kind} {whose}{label}, by name [{note}]", base + query, who=who)
                    if deep:
                        self.page(f"{kind} {whose}{label}, by name, page {depth} [{note}]",
                                  base + query + f"&cursor={deep}", who=who)

    def write_cost(self, rows: int, note: str) -> None:
        """`rows` contacts in batches of 500 through the record service (validation, hooks, audit, every index)."""
        fake = Fake(11 + len(self.rows))
        batch = []
        for i in range(rows):
            first, last, spanish = fake.person()
            batch.append({"first_name": first, "last_name": last, "email": fake.email(first, last, i, "cost.bench"),
                          "city": fake.city(spanish)[0], "cf_customer_since": fake.day(3650),
                          "cf_interests": ["events"] if i % 100 == 0 else ["software"]})
        with self.app.test_request_context():
            start, start_cpu = time.perf_counter(), time.process_time()
            for at in range(0, rows, 500):
                records.bulk_create(CONTACTS, batch[at:at + 500], user=self.admin)
            took, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        self.figure(f"write {rows:,} contacts (record service, batches of 500) [{note}]",
                    f"{rows / took:,.0f} rows/s ({took:.2f} s; CPU {cpu:.2f} s)")

    def pages(self) -> None:
        with self.engine.connect() as conn:
            account = conn.scalar(text(
                "SELECT account_id FROM contacts_contact WHERE account_id IS NOT NULL AND deleted_at IS NULL "
                "GROUP BY account_id ORDER BY count(*) DESC, account_id LIMIT 1"))
            pipeline, open_deals = conn.execute(text(
                "SELECT d.pipeline_id, count(*) FROM sales_deal d JOIN sales_stage s ON s.id = d.stage_id "
                "WHERE s.outcome = 'open' AND d.deleted_at IS NULL GROUP BY d.pipeline_id ORDER BY 2 DESC "
                "LIMIT 1")).one()
        self.page("account detail (related lists, timeline)", f"/r/contacts_account/{account}")
        self.page("global search (q=garcía)", "/search/?q=garc%C3%ADa")
        self.page(f"sales board, pipeline of {open_deals:,} open deals", f"/sales/board?pipeline={pipeline}")
        self.page("sales board as the rep (own deals)", f"/sales/board?pipeline={pipeline}", who="rep")

    def writes(self) -> None:
        client, headers = self.client("admin", True)
        fake, n = Fake(99), [0]

        def create() -> Any:
            n[0] += 1
            first, last, _ = fake.person()
            response = client.post(API, headers=headers, json={
                "first_name": first, "last_name": last, "email": fake.email(first, last, n[0], "api.bench"),
                "city": "Madrid", "cf_segment": "mid"})
            if response.status_code != 201:
                raise RuntimeError(f"create answered {response.status_code}: {response.get_data(as_text=True)}")
            return response

        self.timed("API create a contact", create)
        target = create().get_json()["id"]
        etag = [client.get(f"{API}/{target}", headers=headers).headers["ETag"]]

        def change() -> Any:
            n[0] += 1
            response = client.patch(f"{API}/{target}", headers=headers | {"If-Match": etag[0]},
                                    json={"job_title": f"Title {n[0]}"})
            if response.status_code != 200:
                raise RuntimeError(f"update answered {response.status_code}: {response.get_data(as_text=True)}")
            etag[0] = response.headers["ETag"]
            return response

        self.timed("API update a contact (If-Match)", change)

    def transfer(self, folder: Path, rows: int) -> None:
        source = folder / "import.csv"
        fake = Fake(7)
        with open(source, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["First name", "Last name", "Email", "Phone", "City", "Birthday"])
            for i in range(rows):
                first, last, spanish = fake.person()
                writer.writerow([first, last, fake.email(first, last, i, "import.bench"), fake.phone(spanish),
                                 fake.city(spanish)[0], fake.day(365 * 60, -365 * 20)])
        with self.engine.connect() as conn:  # the export takes the first `rows` contacts, as the import makes
            last = conn.scalar(text("SELECT id FROM contacts_contact WHERE deleted_at IS NULL ORDER BY id "
                                    "LIMIT 1 OFFSET :skip"), {"skip": rows - 1})
        first_rows = {"id__lte": last} if last is not None else None
        with self.app.test_request_context():
            start, start_cpu = time.perf_counter(), time.process_time()
            (_path, exported), captured = self.recorder.capture(
                lambda: export.export_file(CONTACTS, user=self.admin, path=folder / "export.csv",
                                           filters=first_rows))
            took, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            raw = replay(self.engine, captured)
            self.rows.append(Row(f"CSV export, {exported:,} contacts", value=f"{exported / took:,.0f} rows/s "
                                 f"({took:.1f} s; CPU {cpu:.1f} s)", statements=len(captured.statements)))
            if raw:
                self.rows[-1].value += f"; its SQL alone {raw:.2f} s"
            print(self.rows[-1].line(), flush=True)
            start, start_cpu = time.perf_counter(), time.process_time()
            done = imports.run(imports.start(source, source.name, CONTACTS, user=self.admin).id)
            took, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            if done.failed or done.created != rows:
                raise RuntimeError(f"import: {done.created} created, {done.failed} failed ({done.error_path})")
            self.figure(f"CSV import, {rows:,} contacts (validated, audited)",
                        f"{rows / took:,.0f} rows/s ({took:.1f} s; CPU {cpu:.1f} s)")

    def custom_field(self) -> None:
        name = f"bench{int(time.time())}"
        with self.app.test_request_context():
            before = self._relfilenode()
            start = time.perf_counter()
            add_field(CONTACTS, FieldSpec(name, "text", {"en": "Bench", "es": "Bench"}), user=None)
            took = time.perf_counter() - start
            after = self._relfilenode()
            delete_field(CONTACTS, f"cf_{name}")
        rewritten = ("not checked on SQLite (ADD COLUMN there edits the schema only)" if before is None
                     else "table rewritten" if before != after else "not rewritten (same relfilenode)")
        self.figure("add a custom text field to contacts", f"{took * 1000:.0f} ms, {rewritten}")

    def _relfilenode(self) -> int | None:
        if self.engine.dialect.name != "postgresql":
            return None
        with self.engine.connect() as conn:
            return conn.scalar(text("SELECT relfilenode FROM pg_class WHERE relname = 'contacts_contact'"))

    def server(self, url: str, instance: Path, seconds: float) -> None:
        path = f"{API}?{FILTERED_SORTED}"
        token = self.tokens["admin"]
        env = server_env(url, instance) | ({"TRATO_WEB_WORKERS": "1"} if self.quick else {})
        with serve.gunicorn(env, path, token) as running:
            self.figure("cold start: gunicorn start to first 200 of the list", f"{running.cold_start:.2f} s")
            serve.throughput(running.port, path, token, 32, seconds)  # warm-up: every worker has booted
            for clients in (8, 32):
                rate, failed = serve.throughput(running.port, path, token, clients, seconds)
                self.figure(f"throughput of the filtered sorted API list, {clients} clients, {seconds:.0f} s",
                            f"{rate:,.0f} req/s" + (f", {failed} failed" if failed else ""))
            workers = running.workers()
            sizes = [serve.rss_mb(pid) for pid in workers]
            self.figure(f"RSS of one worker after the load ({len(workers)} workers, contacts + sales)",
                        f"{max(sizes):.0f} MB (smallest {min(sizes):.0f} MB)")

    def clean_up(self, last_contact: int) -> None:
        """Remove what the run added: contacts past the generated ones, their history, the run's tokens."""
        with self.app.extensions["trato"].sessionmaker() as session:
            session.execute(delete(AuditEntry).where(AuditEntry.entity == CONTACTS,
                                                     AuditEntry.record_id > last_contact))
            session.execute(text("DELETE FROM contacts_contact WHERE id > :last"), {"last": last_contact})
            session.execute(delete(tokens.ApiToken).where(tokens.ApiToken.name == "bench"))
            session.commit()

    def table(self, title: str) -> str:
        lines = [title, "", "| item | Trato ms p50 (p25–p75) or figure | Trato CPU ms p50 | same SQL direct, ms p50 "
                 "(p25–p75) | x | stmts |", "|---|---|---|---|---|---|", *(row.line() for row in self.rows), ""]
        return "\n".join(lines + [f"- {note}" for note in self.notes])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--repeat", type=int, default=21, help="timed runs of each page (after one warm-up)")
    parser.add_argument("--import-rows", type=int, default=None, help="default: the contacts in the database, "
                        "up to 100,000")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each throughput run")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 50-row import, one gunicorn worker, 1 s throughput runs")
    parser.add_argument("--only", choices=["unindexed"], default=None,
                        help="unindexed: only the lists on unindexed fields, before and after their filter "
                        "indexes, and the writes' cost")
    parser.add_argument("--writes", type=int, default=2000, help="contacts written to measure the writes' cost")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app = open_app(args.database, folder / "instance")
        bench = Bench(app, max(args.repeat, 1), args.quick)
        # No app context around the requests: Flask would reuse it, and `g` (the signed-in user) with it.
        with bench.engine.connect() as conn:
            contacts = conn.scalar(select(func.count()).select_from(text(CONTACTS)))
            last_contact = conn.scalar(text("SELECT max(id) FROM contacts_contact")) or 0
        title = (f"{bench.engine.dialect.name}, {contacts:,} contacts, repeat {bench.times}"
                 f"{', quick' if args.quick else ''}; load average at start {os.getloadavg()[0]:.1f} "
                 f"on {serve.cores()} cores")
        print(title, flush=True)
        try:
            if args.only != "unindexed":
                bench.lists()
            bench.unindexed(50 if args.quick else args.writes)
            if args.only != "unindexed":
                bench.pages()
                bench.writes()
                bench.transfer(folder, 50 if args.quick else args.import_rows or min(contacts, 100_000))
                bench.custom_field()
                bench.server(args.database, folder / "instance", 1.0 if args.quick else args.seconds)
        finally:
            bench.clean_up(last_contact)
        bench.engine.dispose()
        print()
        print(bench.table(f"{title}, at the end {os.getloadavg()[0]:.1f}"))


if __name__ == "__main__":
    main()
