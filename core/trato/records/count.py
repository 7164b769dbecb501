"""Counting matches cheaply: exact while small, estimated (and said to be) when large.

On PostgreSQL the planner's estimate is asked first: when it is far past
the threshold, counting up to the threshold would only confirm what the
count will say anyway ("about N"), at the price of reading threshold + 1
rows, tens of milliseconds on a large table when the filter is selective
in another order than the table's. A filter the planner overestimates by
more than `TRUSTED_MARGIN` times shows an estimate where it could have
shown an exact count below the threshold; the rows listed are the same.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import ClauseElement, Executable


@dataclass(frozen=True)
class Count:
    """`kind` is "exact"; "estimate" (PostgreSQL's planner, past the threshold); or
    "at_least" (SQLite has no estimate: there are more than `value - 1`)."""

    value: int
    kind: str

    @property
    def exact(self) -> bool:
        return self.kind == "exact"


class Explain(Executable, ClauseElement):
    """`EXPLAIN (FORMAT JSON) <statement>`, with the statement's parameters bound as usual.

    Not cached: a cached statement's result is matched to the columns it
    selects, which EXPLAIN has none of. Counting explains the one-column
    select of ids, which is quick to compile.
    """

    inherit_cache = False

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


# An estimate this many times the threshold is shown without counting.
TRUSTED_MARGIN = 2


def _estimate(session: Session, statement: Select[Any]) -> int:
    plan = session.execute(Explain(statement)).scalar()
    return int(plan[0]["Plan"]["Plan Rows"])


def count(session: Session, statement: Select[Any], key: ColumnElement[Any], threshold: int) -> Count:
    keys = statement.with_only_columns(key)
    estimate = _estimate(session, keys) if session.get_bind().dialect.name == "postgresql" else None
    if estimate is not None and estimate > threshold * TRUSTED_MARGIN:
        return Count(estimate, "estimate")
    capped = keys.limit(threshold + 1).subquery()
    exact = session.scalar(select(func.count()).select_from(capped)) or 0
    if exact <= threshold:
        return Count(exact, "exact")
    if estimate is not None:
        return Count(max(estimate, exact), "estimate")
    return Count(exact, "at_least")
