"""Fill a Trato database with a deterministic CRM of N contacts, for bench/run.py.

    python bench/generate.py --size 100000 --seed 1 --database sqlite:////tmp/bench100k.db --fresh
    python bench/generate.py --size 100000 --database postgresql://postgres@127.0.0.1:5432/bench100k --fresh
    python bench/generate.py --size 100000 --database ... --fresh --raw     # the same rows by COPY / executemany

It migrates the database, enables contacts and sales, makes 20 sales reps in
4 teams (owners skewed: the top reps hold most records), custom fields on
contacts and a custom entity (`x_project`), then writes N contacts, N/5
accounts, N/2 leads, N/5 deals in 3 pipelines (70% in the first, three
quarters of them open: 10,000+ open deals in it at N=100k) and N/10
projects, through `records.bulk_create` in batches (validation, hooks and
audit, as the API does). `--raw` writes the same column values with plain
COPY (PostgreSQL) or executemany (SQLite) and no audit: the limit.
Prints rows/s per table and overall.
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, insert, select, text

from benchdb import ADMIN_EMAIL, REP_EMAIL, REPS, TEAMS, open_app, recreate
from fake import (
    INDUSTRIES, INTEREST_WEIGHTS, INTERESTS, JOB_TITLES, LEAD_SOURCES, LEAD_STATUSES, SEGMENTS, Fake, skewed_weights,
)
from trato import planner_stats, records
from trato.hooks import switch
from trato.models import utcnow
from trato.records.common import columns, entity_of
from trato.roles.membership import set_teams
from trato.roles.models import Team
from trato.schema import EntitySpec, FieldSpec, add_field, create_entity
from trato.users import create_user

BATCH = 1000
# Pipelines besides the plugin's first one ("Sales"): name, stages (name, probability, outcome).
MORE_PIPELINES = [
    ("Renewals", [("Due", 40, "open"), ("Quoted", 70, "open"), ("Renewed", 100, "won"), ("Churned", 0, "lost")]),
    ("Partners", [("Intro", 10, "open"), ("Pilot", 40, "open"), ("Contract", 80, "open"), ("Signed", 100, "won"),
                  ("Dropped", 0, "lost")]),
]
PIPELINE_SHARE = (70, 20, 10)


def en_es(en: str, es: str) -> dict[str, str]:
    return {"en": en, "es": es}


def options(values: list[str]) -> list[dict[str, Any]]:
    return [{"value": v, "label": en_es(v.title(), v.title())} for v in values]


def define_schema() -> None:
    """Custom fields on contacts and a custom entity, of several field types each."""
    for spec in (FieldSpec("segment", "select", en_es("Segment", "Segmento"), options=options(SEGMENTS),
                           filterable=True),
                 FieldSpec("score", "integer", en_es("Score", "Puntuación"), filterable=True),
                 FieldSpec("customer_since", "date", en_es("Customer since", "Cliente desde")),
                 FieldSpec("vip", "boolean", en_es("VIP", "VIP")),
                 FieldSpec("lifetime_value", "money", en_es("Lifetime value", "Valor total"),
                           settings={"currency": "EUR"}),
                 FieldSpec("interests", "multi_select", en_es("Interests", "Intereses"), options=options(INTERESTS))):
        add_field("contacts_contact", spec)
    create_entity(EntitySpec("project", en_es("Project", "Proyecto"), en_es("Projects", "Proyectos"), [
        FieldSpec("name", "text", en_es("Name", "Nombre"), required=True),
        FieldSpec("code", "text", en_es("Code", "Código"), unique=True),
        FieldSpec("account", "relation", en_es("Account", "Cuenta"), settings={"target": "contacts_account"}),
        FieldSpec("status", "select", en_es("Status", "Estado"), options=options(["planned", "running", "done"]),
                  filterable=True),
        FieldSpec("budget", "money", en_es("Budget", "Presupuesto"), settings={"currency": "EUR"}),
        FieldSpec("hours", "integer", en_es("Hours", "Horas")),
        FieldSpec("margin", "percent", en_es("Margin", "Margen")),
        FieldSpec("starts", "date", en_es("Starts", "Empieza"), filterable=True),
        FieldSpec("billable", "boolean", en_es("Billable", "Facturable")),
        FieldSpec("contact_email", "email", en_es("Contact email", "Correo de contacto")),
        FieldSpec("notes", "long_text", en_es("Notes", "Notas")),
    ], search_fields=["name", "code"], list_columns=["name", "account", "status", "budget", "starts"]))


def set_up(app: Flask) -> None:
    """`trato init` and more: the plugins, the people, the pipelines and the custom schema."""
    for plugin in ("contacts", "sales"):
        switch.enable(app, plugin)
    with app.extensions["trato"].sessionmaker() as session:
        create_user(session, ADMIN_EMAIL, "Bench Admin", None, is_admin=True)
        teams = [Team(name=name, description="") for name in TEAMS]
        session.add_all(teams)
        session.flush()
        for n in range(1, REPS + 1):
            rep = create_user(session, REP_EMAIL.format(n), f"Rep {n:02d}", None, role="sales_rep")
            set_teams(session, rep, [teams[(n - 1) % len(TEAMS)].id])
        session.commit()
    for name, stages in MORE_PIPELINES:
        pipeline = records.create("sales_pipeline", {"name": name, "position": 2, "active": True}, user=None)
        records.bulk_create("sales_stage", [
            {"name": s, "pipeline_id": pipeline.id, "position": i, "probability": str(p), "outcome": o}
            for i, (s, p, o) in enumerate(stages, start=1)], user=None)
    define_schema()


class Owners:
    """The reps as owners, skewed, each with their team."""

    def __init__(self, app: Flask) -> None:
        state = app.extensions["trato"]
        with state.sessionmaker() as session:
            rows = session.execute(text(
                "SELECT u.id, m.team_id FROM core_user u JOIN core_team_member m ON m.user_id = u.id "
                "WHERE u.email LIKE 'rep%' ORDER BY u.email")).all()
        self.people = [(r[0], r[1]) for r in rows]
        self.weights = skewed_weights(len(self.people))

    def pick(self, fake: Fake) -> dict[str, int]:
        owner, team = fake.pick(self.people, self.weights)
        return {"owner_id": owner, "team_id": team}


def accounts(fake: Fake, owners: Owners, n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        name, spanish = fake.company(i)
        city, country = fake.city(spanish)
        yield {"name": name, "industry": fake.pick(INDUSTRIES), "billing_city": city, "billing_country": country,
               "phone": fake.phone(spanish), "email": f"info{i}@{'empresa' if spanish else 'company'}{i % 997}.com",
               "website": f"https://www.example{i % 997}.com", **owners.pick(fake)}


def contacts(fake: Fake, owners: Owners, n: int, account_ids: list[int]) -> Iterator[dict[str, Any]]:
    ticked = random.Random(n)  # interests from a generator of their own: the other columns stay as they were
    for i in range(n):
        first, last, spanish = fake.person()
        city, country = fake.city(spanish)
        yield {"first_name": first, "last_name": last, "email": fake.email(first, last, i),
               "phone": fake.phone(spanish), "job_title": fake.pick(JOB_TITLES), "city": city, "country": country,
               "account_id": fake.pick(account_ids) if fake.rnd.random() < 0.85 else None,
               "birthday": fake.day(365 * 60, -365 * 20) if fake.rnd.random() < 0.3 else None,
               "language": "es" if spanish else "en", "marketing_consent": fake.rnd.random() < 0.4,
               "cf_segment": fake.pick(SEGMENTS, [60, 25, 10, 5]), "cf_score": fake.rnd.randint(0, 100),
               "cf_customer_since": fake.day(3650), "cf_vip": fake.rnd.random() < 0.05,
               "cf_lifetime_value": {"amount": fake.amount(2000), "currency": "EUR"},
               "cf_interests": interests(ticked), **owners.pick(fake)}


def interests(rnd: random.Random) -> list[str] | None:
    """None to three interests, "events" in about one contact in a hundred."""
    picked = sorted({rnd.choices(INTERESTS, INTEREST_WEIGHTS)[0] for _ in range(rnd.choice((0, 1, 1, 2, 3)))})
    return picked or None


def leads(fake: Fake, owners: Owners, n: int) -> Iterator[dict[str, Any]]:
    statuses, weights = zip(*LEAD_STATUSES)
    for i in range(n):
        first, last, spanish = fake.person()
        city, country = fake.city(spanish)
        company, _ = fake.company(i)
        status = fake.pick(statuses, weights)
        yield {"first_name": first, "last_name": last, "company": company, "email": fake.email(first, last, i),
               "phone": fake.phone(spanish), "city": city, "country": country, "source": fake.pick(LEAD_SOURCES),
               "status": "contacted" if status == "converted" else status, **owners.pick(fake)}


def deals(fake: Fake, owners: Owners, n: int, account_ids: list[int],
          pipelines: list[list[tuple[int, str]]], lost_reasons: list[int]) -> Iterator[dict[str, Any]]:
    for i in range(n):
        pipeline = fake.pick(range(len(pipelines)), PIPELINE_SHARE)
        stages = pipelines[pipeline]
        open_stages = [s for s in stages if s[1] == "open"]
        closed = [s for s in stages if s[1] != "open"]
        if fake.rnd.random() < 0.75:  # open deals thin out towards the later stages
            stage = fake.pick(open_stages, skewed_weights(len(open_stages), 0.6))
            close = fake.day(30, 180)
        else:
            stage = fake.pick(closed)
            close = fake.day(720)
        yield {"name": f"{fake.pick(['Renovación', 'Ampliación', 'Licencias', 'Renewal', 'Upsell', 'Pilot'])} {i}",
               "account_id": fake.pick(account_ids), "pipeline_id": stage[2], "stage_id": stage[0],
               "amount": {"amount": fake.amount(), "currency": "EUR"}, "close_date": close,
               "next_step": fake.pick(["Llamar", "Enviar propuesta", "Demo", "Send contract", None]),
               "lost_reason_id": fake.pick(lost_reasons) if stage[1] == "lost" else None,  # in all rows: --raw binds it
               **owners.pick(fake)}


def projects(fake: Fake, owners: Owners, n: int, account_ids: list[int]) -> Iterator[dict[str, Any]]:
    for i in range(n):
        first, last, _ = fake.person()
        yield {"name": f"Proyecto {fake.pick(['Alfa', 'Beta', 'Delta', 'Orion', 'Atlas'])} {i}", "code": f"P-{i:07d}",
               "account": fake.pick(account_ids), "status": fake.pick(["planned", "running", "done"], [2, 5, 3]),
               "budget": {"amount": fake.amount(20000, 0.8), "currency": "EUR"}, "hours": fake.rnd.randint(8, 2000),
               "margin": f"{fake.rnd.uniform(5, 45):.2f}", "starts": fake.day(900, 200),
               "billable": fake.rnd.random() < 0.8, "contact_email": fake.email(first, last, i, "example.org"),
               "notes": None}


class Writer:
    """Writes batches of one entity through the record service, or raw, and adds up the time spent writing."""

    def __init__(self, app: Flask, raw: bool) -> None:
        self.app, self.raw, self.seconds, self.cpu, self.rows = app, raw, 0.0, 0.0, 0
        self.engine = app.extensions["trato"].engine

    def write(self, entity: str, rows: Iterator[dict[str, Any]]) -> list[int]:
        ids: list[int] = []
        start_rows, start_time, start_cpu = self.rows, self.seconds, self.cpu
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                ids += self._batch(entity, batch)
                batch = []
        if batch:
            ids += self._batch(entity, batch)
        done, took, cpu = self.rows - start_rows, self.seconds - start_time, self.cpu - start_cpu
        print(f"  {entity:<18} {done:>9,} rows {took:8.1f} s {done / max(took, 1e-9):>9,.0f} rows/s "
              f"(this process's CPU {cpu:.1f} s)", flush=True)
        return ids

    def _batch(self, entity: str, batch: list[dict[str, Any]]) -> list[int]:
        if not self.raw:
            start, start_cpu = time.perf_counter(), time.process_time()
            made = records.bulk_create(entity, batch, user=None)
            self._add(len(batch), time.perf_counter() - start, time.process_time() - start_cpu)
            return [r.id for r in made]
        return self._raw_batch(entity, batch)

    def _add(self, rows: int, seconds: float, cpu: float) -> None:
        self.rows += rows
        self.seconds += seconds
        self.cpu += cpu

    def _raw_batch(self, entity: str, batch: list[dict[str, Any]]) -> list[int]:
        """The same values as plain column rows with explicit ids; only the insert is timed."""
        e = entity_of(entity)
        schema = e.schemas["create"]
        with self.engine.connect() as conn:
            first = (conn.scalar(select(func.max(e.table.c.id))) or 0) + 1
        now = utcnow()
        prepared = []
        for offset, row in enumerate(batch):
            system = {"owner_id": row.pop("owner_id", None), "team_id": row.pop("team_id", None)}
            prepared.append(columns(e, schema.load(row)) | system | {
                "id": first + offset, "created_at": now, "updated_at": now, "version": 1})
        names = list(prepared[0])
        start, start_cpu = time.perf_counter(), time.process_time()
        if self.engine.dialect.name == "postgresql":
            raw = self.engine.raw_connection()
            try:
                cursor = raw.driver_connection.cursor()
                quoted = ", ".join(f'"{n}"' for n in names)
                with cursor.copy(f'COPY "{e.table.name}" ({quoted}) FROM STDIN') as copy:
                    for row in prepared:
                        copy.write_row([json.dumps(row[n]) if isinstance(row[n], list) else row[n] for n in names])
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{e.table.name}', 'id'), "
                               f"{first + len(batch) - 1})")
                raw.driver_connection.commit()
            finally:
                raw.close()
        else:
            with self.engine.begin() as conn:
                conn.execute(insert(e.table), prepared)
        self._add(len(batch), time.perf_counter() - start, time.process_time() - start_cpu)
        return list(range(first, first + len(batch)))


def stages_by_pipeline(app: Flask) -> list[list[tuple[int, str, int]]]:
    with app.extensions["trato"].engine.connect() as conn:
        rows = conn.execute(text("SELECT s.id, s.outcome, s.pipeline_id FROM sales_stage s "
                                 "JOIN sales_pipeline p ON p.id = s.pipeline_id ORDER BY p.id, s.position")).all()
    grouped: dict[int, list[tuple[int, str, int]]] = {}
    for stage_id, outcome, pipeline_id in rows:
        grouped.setdefault(pipeline_id, []).append((stage_id, outcome, pipeline_id))
    return list(grouped.values())


def lost_reason_ids(app: Flask) -> list[int]:
    """The reasons a lost deal must give (sales' defaults)."""
    with app.extensions["trato"].engine.connect() as conn:
        return list(conn.execute(text("SELECT id FROM sales_lost_reason ORDER BY id")).scalars())


def analyse(app: Flask) -> None:
    """Planner statistics after a bulk load, as an administrator would (autovacuum would, later)."""
    engine = app.extensions["trato"].engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:  # SQLite's engine opens a transaction itself: ANALYZE must be committed to be kept
        with engine.begin() as conn:
            planner_stats.refresh(conn)


def generate(url: str, size: int, seed: int, raw: bool, instance: Path, fresh: bool,
             say: Callable[[str], None] = print) -> None:
    if fresh:
        recreate(url)
    app = open_app(url, instance)
    with app.app_context():
        set_up(app)
        fake, owners = Fake(seed), Owners(app)
        writer = Writer(app, raw)
        say(f"{app.extensions['trato'].engine.dialect.name}, {size:,} contacts, seed {seed}, "
            f"{'raw ' + ('COPY' if 'postgresql' in url else 'executemany') if raw else 'records.bulk_create'}")
        account_ids = writer.write("contacts_account", accounts(fake, owners, max(size // 5, 1)))
        writer.write("contacts_contact", contacts(fake, owners, size, account_ids))
        writer.write("sales_lead", leads(fake, owners, size // 2))
        writer.write("sales_deal", deals(fake, owners, size // 5, account_ids, stages_by_pipeline(app),
                                         lost_reason_ids(app)))
        writer.write("x_project", projects(fake, owners, max(size // 10, 1), account_ids))
        say(f"  {'all':<18} {writer.rows:>9,} rows {writer.seconds:8.1f} s "
            f"{writer.rows / max(writer.seconds, 1e-9):>9,.0f} rows/s (this process's CPU {writer.cpu:.1f} s)")
        start = time.perf_counter()
        analyse(app)
        say(f"  analyse: {time.perf_counter() - start:.1f} s")
    app.extensions["trato"].engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/x.db or postgresql://.../bench*")
    parser.add_argument("--size", type=int, default=10_000, help="contacts; the other tables follow from it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--raw", action="store_true", help="plain COPY / executemany instead of the record service")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--instance", type=Path, default=None, help="instance folder (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generate(args.database, args.size, args.seed, args.raw, args.instance or Path(tmp), args.fresh)


if __name__ == "__main__":
    main()
