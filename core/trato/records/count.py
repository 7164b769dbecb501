"""Counting matches cheaply: exact while cheap, and otherwise an estimate or a floor, said to be one.

A count must never cost more than the page it labels. Counting up to the
threshold reads threshold + 1 matches; when an index answers the filter
those are threshold + 1 index entries, but when none does the database
scans the table for them, and a filter matching one row in a hundred reads
a million rows to find 10,001. So the plan is asked first:

- PostgreSQL's `EXPLAIN (FORMAT JSON)` gives the planner's estimate and
  shows whether the filter is a scan. An estimate far past the threshold is
  shown without counting; a filter no index serves is shown as the
  estimate (never below what the page itself proved).
- SQLite's `EXPLAIN QUERY PLAN` shows the scan; SQLite has no estimate, so
  a filter no index serves is counted only as far as its page reads: "more
  than 50".

A table of no more than threshold rows is counted exactly whatever the plan:
the scan reads fewer rows than the threshold allows. A filter the planner
overestimates by more than `TRUSTED_MARGIN` times shows an estimate where
it could have shown an exact count below the threshold; the rows listed
are the same.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import ClauseElement, Executable


@dataclass(frozen=True)
class Count:
    """`kind` is "exact"; "estimate" (PostgreSQL's planner); or "at_least" (there are more than `value - 1`:
    SQLite, which has no estimate, past the threshold or past the page when no index serves the filter)."""

    value: int
    kind: str

    @property
    def exact(self) -> bool:
        return self.kind == "exact"

    @property
    def floor(self) -> int:
        """What "more than N" says: the matches known to be there, less the one that proved there are more."""
        return self.value - 1


class Explain(Executable, ClauseElement):
    """`EXPLAIN (FORMAT JSON) <statement>` on PostgreSQL, `EXPLAIN QUERY PLAN <statement>` on SQLite.

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


@compiles(Explain, "sqlite")
def _explain_sqlite(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN QUERY PLAN " + compiler.process(element.statement, **kw)


# An estimate this many times the threshold is shown without counting.
TRUSTED_MARGIN = 2
# How far a scanning count reads when no page was read before it (a page's worth).
SCAN_CAP = 50


@dataclass(frozen=True)
class Plan:
    """What counting a statement would do: the planner's estimate (PostgreSQL only), and whether it scans."""

    estimate: int | None
    scans: bool


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _scans_postgresql(plan: dict[str, Any], table: str) -> bool:
    """A node filtering `table`'s rows that no index condition bounds: a sequential scan, or an index
    (or a bitmap of one) walked end to end."""
    for node in _nodes(plan):
        if node.get("Relation Name") == table and "Filter" in node and not any(
                "Index Cond" in part or "Recheck Cond" in part for part in _nodes(node)):
            return True
    return False


def plan(session: Session, statement: Select[Any], table: Table) -> Plan:
    """How the database would read `statement`'s rows of `table`."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        top = session.execute(Explain(statement)).scalar()[0]["Plan"]
        return Plan(int(top["Plan Rows"]), _scans_postgresql(top, table.name))
    if dialect == "sqlite":
        scan = re.compile(rf"SCAN {re.escape(table.name)}( |$)")
        details = session.execute(Explain(statement)).all()
        return Plan(None, any(scan.match(str(row[-1])) for row in details))
    return Plan(None, False)


def _capped(session: Session, statement: Select[Any], cap: int) -> int:
    """How many rows `statement` gives, reading no more than `cap` of them."""
    return session.scalar(select(func.count()).select_from(statement.limit(cap).subquery())) or 0


def count(session: Session, statement: Select[Any], key: ColumnElement[Any], threshold: int, *,
          filters: Select[Any] | None = None, seen: int = 0) -> Count:
    """Count `statement`'s rows (by `key`, a table's id) up to `threshold`, as cheaply as the plan allows.

    `filters` is the select of ids by the user's filters alone, without
    their scope: whether an index serves those is what decides (a scope has
    its own index, and alone keeps most rows); `seen` is how many matches
    the page just read proves there are.
    """
    keys = statement.with_only_columns(key)
    table = key.table  # type: ignore[attr-defined]
    estimate = plan(session, keys, table).estimate if session.get_bind().dialect.name == "postgresql" else None
    if estimate is not None and estimate > threshold * TRUSTED_MARGIN:
        return Count(estimate, "estimate")
    if (filters is not None and plan(session, filters, table).scans
            and _capped(session, select(key), threshold + 1) > threshold):
        if estimate is not None:
            return Count(max(estimate, seen), "estimate")
        if seen:
            return Count(seen, "at_least")
        small = _capped(session, keys, SCAN_CAP + 1)
        return Count(small, "exact" if small <= SCAN_CAP else "at_least")
    exact = _capped(session, keys, threshold + 1)
    if exact <= threshold:
        return Count(exact, "exact")
    if estimate is not None:
        return Count(max(estimate, exact), "estimate")
    return Count(exact, "at_least")
