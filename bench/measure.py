"""Timing with spread, and the SQL a call issued: counted, and replayed directly on the database.

The "raw SQL" figure of each page is the very statements Trato sent while
serving it (caught by a `before_cursor_execute` listener), run again on a
plain DBAPI cursor of the same database with every row fetched, inside a
transaction that is rolled back. The ratio of the two is what Trato adds
on top of its database work: Python, templates, JSON, checks.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event


@dataclass
class Spread:
    """Seconds of repeated runs: the median and the quartiles (min–max below four runs)."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low_high(self) -> tuple[float, float]:
        if len(self.samples) < 4:
            return min(self.samples), max(self.samples)
        q = statistics.quantiles(self.samples, n=4)
        return q[0], q[2]

    def ms(self) -> str:
        low, high = self.low_high
        return f"{self.median * 1000:8.2f} ({low * 1000:.2f}–{high * 1000:.2f})"


# SQLite's engine sends BEGIN itself (the transactional-DDL recipe): not work, and replay opens its own.
TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})


@dataclass
class Captured:
    statements: list[tuple[str, Any, bool]] = field(default_factory=list)  # sql, parameters, executemany


class SqlRecorder:
    """Records every statement the engine's connections execute while `active`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.current: Captured | None = None
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
              ) -> None:
        if self.current is not None and statement.strip().upper() not in TRANSACTION_CONTROL:
            self.current.statements.append((statement, parameters, executemany))

    def capture(self, action: Callable[[], Any]) -> tuple[Any, Captured]:
        self.current = Captured()
        try:
            return action(), self.current
        finally:
            self.current = None


def replay(engine: Engine, captured: Captured) -> float | None:
    """Seconds to run the captured statements directly (rolled back); None if one fails there."""
    raw = engine.raw_connection()
    sqlite = engine.dialect.name == "sqlite"
    try:
        cursor = raw.cursor()
        if sqlite:
            cursor.execute("BEGIN")
        start = time.perf_counter()
        for sql, params, many in captured.statements:
            if many and not isinstance(params, Mapping):  # insertmanyvalues sends one statement, flagged many
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params or ())  # an empty mapping (exec_driver_sql's) is no parameters
            if cursor.description is not None:
                cursor.fetchall()
        took = time.perf_counter() - start
    except Exception:  # a write whose replay collides with what the original wrote: no figure
        took = None
    finally:
        try:
            raw.rollback()
        finally:
            raw.close()
    return took


def repeat(action: Callable[[], Any], times: int, warmup: int = 1) -> tuple[Spread, Spread]:
    """Wall-clock seconds of each run, and this process's CPU seconds of each run.

    On a busy machine the wall clock includes waiting for a core; the CPU time
    is what the work itself cost (with SQLite, the database's work too; with
    PostgreSQL, only the client side).
    """
    for _ in range(warmup):
        action()
    wall, cpu = [], []
    for _ in range(times):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return Spread(wall), Spread(cpu)
