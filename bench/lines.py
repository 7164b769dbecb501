"""A document with 500 lines saved in one record-service call, and its form rendered again: time and statements.

The document is a custom entity made for the bench (an order) with a custom child entity (its lines: a
description, a quantity and a unit price), as an admin makes an expense report with expense lines. Each run
creates an order with --lines lines in one `records.create`, changes every line's quantity and moves the last
line first in one `records.update`, and asks for the order's edit form (the lines grid) as its owner. The
table shows the median time of each and the SQL statements it sent.

    python lines.py --database sqlite:////tmp/bench-lines.db --fresh
    python lines.py --database postgresql://postgres@127.0.0.1:5432/bench_lines --fresh
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from benchdb import open_app, recreate
from trato import records
from trato.models import User
from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.testing import signed_in_client
from trato.users import create_user

ORDER, LINE = "x_bench_order", "x_bench_order_line"
EMAIL = "bench-lines@example.com"


def set_up(app: Any) -> User:
    """The bench's admin, and the order and line entities, when missing."""
    state = app.extensions["trato"]
    with state.sessionmaker(expire_on_commit=False) as session:
        admin = session.scalar(select(User).where(User.email == EMAIL))
        if admin is None:
            admin = create_user(session, EMAIL, "Bench Lines", "bench-lines-password-1", is_admin=True)
            session.commit()
        session.expunge(admin)
    with app.app_context():
        if ORDER not in state.entities:
            create_entity(EntitySpec("bench_order", {"en": "Order"}, {"en": "Orders"},
                                     fields=[FieldSpec("name", "text", {"en": "Name"})]), user=admin)
            create_entity(EntitySpec("bench_order_line", {"en": "Line"}, {"en": "Lines"}, parent=ORDER, fields=[
                FieldSpec("description", "text", {"en": "Description"}),
                FieldSpec("quantity", "decimal", {"en": "Quantity"}, settings={"scale": 3}),
                FieldSpec("unit_price", "money", {"en": "Unit price"})]), user=admin)
    return admin


class Statements:
    """Counts the statements an engine sends while it is on."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1


def timed(statements: Statements, call: Callable[[], Any]) -> tuple[float, int, Any]:
    before = statements.count
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, statements.count - before, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/x.db or postgresql://.../bench*")
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()
    if args.fresh:
        recreate(args.database)
    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(args.database, Path(tmp) / "instance")
        admin = set_up(app)
        statements = Statements(app.extensions["trato"].engine)
        client = signed_in_client(app, admin)
        rows: dict[str, list[tuple[float, int]]] = {"create": [], "update": [], "form": []}
        for _run in range(args.repeat + 1):  # the first run warms up and is not counted
            lines = [{"description": f"Item {n}", "quantity": str(n % 7 + 1),
                      "unit_price": {"amount": f"{n % 50 + 1}.25", "currency": "EUR"}} for n in range(args.lines)]
            with app.app_context():
                created = timed(statements, partial(records.create, ORDER, {"name": "Bench", "lines": lines},
                                                    user=admin))
                order = created[2]
                stored = records.lines(ORDER, order.id, user=admin)[LINE]
                moved = [{"id": stored[-1].id}] + [{"id": line.id, "quantity": "9"} for line in stored[:-1]]
                updated = timed(statements, partial(records.update, ORDER, order.id, {"lines": moved}, user=admin,
                                                    version=order.version))
            form = timed(statements, partial(client.get, f"/r/{ORDER}/{order.id}/edit"))
            if form[2].status_code != 200:
                raise SystemExit(f"the form answered {form[2].status_code}")
            if _run:
                for name, (seconds, count, _result) in (("create", created), ("update", updated), ("form", form)):
                    rows[name].append((seconds, count))
        print(f"{app.extensions['trato'].engine.dialect.name}, {args.lines} lines, median of {args.repeat} runs")
        print(f"{'step':<44} {'ms':>9} {'statements':>11}")
        for name, label in (("create", f"records.create with {args.lines} lines (one call)"),
                            ("update", "records.update: every line changed, one moved"),
                            ("form", "GET the edit form (the lines grid)")):
            seconds = statistics.median(s for s, _c in rows[name])
            count = statistics.median(c for _s, c in rows[name])
            print(f"{label:<44} {seconds * 1000:>9.1f} {count:>11.0f}")


if __name__ == "__main__":
    main()
