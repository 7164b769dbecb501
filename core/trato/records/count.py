"""Counting matches cheaply: exact while small, estimated (and said to be) when large."""
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
    """`EXPLAIN (FORMAT JSON) <statement>`, with the statement's parameters bound as usual."""

    inherit_cache = False

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


def count(session: Session, statement: Select[Any], key: ColumnElement[Any], threshold: int) -> Count:
    capped = statement.with_only_columns(key).limit(threshold + 1).subquery()
    exact = session.scalar(select(func.count()).select_from(capped)) or 0
    if exact <= threshold:
        return Count(exact, "exact")
    if session.get_bind().dialect.name == "postgresql":
        plan = session.execute(Explain(statement)).scalar()
        return Count(max(int(plan[0]["Plan"]["Plan Rows"]), exact), "estimate")
    return Count(exact, "at_least")
