"""How long schema changes and record-service writes take on a large table.

Makes a custom entity, fills it with N records through the record service,
then times adding custom fields (plain, indexed, required with a default),
a type change, a deletion, and a few queries. Run it on each backend:

    python bench/custom_fields.py                       # SQLite in a temporary folder
    python bench/custom_fields.py --database-url postgresql://postgres@127.0.0.1:5432/test

On PostgreSQL it works in a schema of its own, dropped at the end.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchdb import open_app
from trato import records
from trato.db import make_throwaway_engine
from trato.schema import EntitySpec, FieldSpec, add_field, change_field_type, create_entity, delete_field

CITIES = ["Madrid", "Lima", "Quito", "Bogotá", "Sevilla", "Valencia", "Rosario", "Cusco"]


def en(label: str) -> dict[str, str]:
    return {"en": label, "es": label}


@contextmanager
def database(url: str | None, folder: Path) -> Iterator[str]:
    if not url:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_throwaway_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def timed(label: str, action: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = action()
    print(f"  {label:<58} {time.perf_counter() - start:8.3f} s")
    return result


def fill(rows: int, batch: int = 1000) -> None:
    rnd = random.Random(7)
    for start in range(0, rows, batch):
        records.bulk_create("x_lead", [
            {"name": f"Lead {n}", "city": rnd.choice(CITIES), "score": rnd.randint(0, 100),
             "value": {"amount": f"{rnd.randint(0, 10**7) / 100:.2f}", "currency": "EUR"},
             "since": (date(2020, 1, 1) + timedelta(days=rnd.randint(0, 2000))).isoformat()}
            for n in range(start, min(start + batch, rows))
        ], user=None)


def walk(query: records.RecordQuery, pages: int) -> int:
    cursor, seen = None, 0
    for _ in range(pages):
        page = query.page(limit=50, cursor=cursor)
        seen += len(page.items)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; SQLite in a temporary folder if empty")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database(args.database_url, Path(tmp)) as url:
        app = open_app(url, Path(tmp) / "instance")
        state = app.extensions["trato"]
        print(f"{state.engine.dialect.name}, {args.rows} records")
        with app.app_context():
            create_entity(EntitySpec("lead", en("Lead"), en("Leads"), [
                FieldSpec("name", "text", en("Name"), required=True),
                FieldSpec("city", "text", en("City"), filterable=True),
                FieldSpec("score", "integer", en("Score")),
                FieldSpec("value", "money", en("Value"), filterable=True),
                FieldSpec("since", "date", en("Since")),
            ]))
            start = time.perf_counter()
            fill(args.rows)
            elapsed = time.perf_counter() - start
            print(f"  {'insert through records.bulk_create (1,000 a call)':<58} {elapsed:8.3f} s "
                  f"({args.rows / elapsed:,.0f} records/s)")
            if state.engine.dialect.name == "postgresql":
                with state.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE x_lead"))
            timed("add an optional text field (ALTER TABLE ADD COLUMN)",
                  lambda: add_field("x_lead", FieldSpec("notes", "text", en("Notes"))))
            timed("add a filterable select field (column + index)",
                  lambda: add_field("x_lead", FieldSpec("stage", "select", en("Stage"), filterable=True, options=[
                      {"value": "new", "label": en("New")}, {"value": "won", "label": en("Won")}])))
            timed("add a required integer field with a default (fills every row)",
                  lambda: add_field("x_lead", FieldSpec("priority", "integer", en("Priority"), required=True,
                                                        default=3)))
            timed("change the type integer -> decimal (rewrites every value)",
                  lambda: change_field_type("x_lead", "priority", "decimal"))
            timed("delete a field (drops its index and column)", lambda: delete_field("x_lead", "stage"))
            leads = records.query("x_lead", user=None)
            timed("count, exact up to 10,000 then flagged", lambda: leads.count())
            timed("filter city=Lima, sort -value, first page",
                  lambda: leads.where({"city": "Lima"}).order_by("-value").page(limit=50))
            timed("walk 200 pages (10,000 records) by cursor, sort -id", lambda: walk(leads, 200))
            timed("walk 200 pages by cursor, sort -value (money, may be empty)",
                  lambda: walk(leads.order_by("-value"), 200))
            timed("search 'lead 9999'", lambda: leads.search("lead 9999").page(limit=50))
        state.engine.dispose()


if __name__ == "__main__":
    main()
