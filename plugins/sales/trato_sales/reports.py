"""The numbers of the board, the funnel, the forecast and the goals, each from one scoped query.

Every figure starts from `records.query(...).statement()`, the select the
access rules already limited to what the user may see, so a rep's forecast
adds up their own deals and a manager's their team's. Money is summed per
currency (an install may sell in several) and stays Decimal throughout.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from trato import records
from trato import session as db_session
from trato.fields import round_half_up

from .models import Deal, Goal, Stage

HUNDRED = Decimal(100)


@dataclass
class Totals:
    """Sums per currency: the amount, and the amount weighted by each deal's probability."""

    count: int = 0
    amount: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    weighted: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def add(self, count: int, currency: str | None, amount: Decimal | None, probability: Decimal | None) -> None:
        self.count += count
        if amount is None:
            return
        code = currency or "EUR"
        self.amount[code] += amount
        self.weighted[code] += round_half_up(amount * (probability or 0) / HUNDRED, 2)


def stages(pipeline_id: int) -> list[Any]:
    table = Stage.__table__
    return list(db_session().execute(select(table).where(table.c.pipeline_id == pipeline_id,
                                                         table.c.deleted_at.is_(None))
                                     .order_by(table.c.position, table.c.id)).all())


def _deals(user: Any, **filters: Any) -> Any:
    return records.query(Deal.__tablename__, user=user).where(filters).statement().subquery()


def column_totals(pipeline_id: int, user: Any) -> dict[int, Totals]:
    """Per stage of the pipeline: the deals' count, amount and weighted amount."""
    deals = _deals(user, pipeline_id=pipeline_id)
    rows = db_session().execute(
        select(deals.c.stage_id, deals.c.amount_currency, deals.c.probability, func.count(), func.sum(deals.c.amount))
        .group_by(deals.c.stage_id, deals.c.amount_currency, deals.c.probability))
    totals: dict[int, Totals] = defaultdict(Totals)
    for stage_id, currency, probability, count, amount in rows:
        totals[stage_id].add(count, currency, amount, probability)
    return totals


def stale(deal: Any, stage: Any, now: datetime | None = None) -> bool:
    """Whether the deal has stayed in its stage longer than the stage allows."""
    if not stage.max_days or deal["stage_changed_at"] is None:
        return False
    return (now or datetime.now(timezone.utc)) - deal["stage_changed_at"] > timedelta(days=stage.max_days)


def overdue(deal: Any, today: date) -> bool:
    """An open deal whose expected close date has passed: shown as a warning, never refused."""
    if deal["close_date"] is None or deal["close_date"] >= today:
        return False
    stage = db_session().execute(select(Stage.__table__.c.outcome).where(Stage.__table__.c.id == deal["stage_id"]))
    return stage.scalar() == "open"


@dataclass(frozen=True)
class FunnelStep:
    stage: Any
    reached: int
    rate: Decimal | None  # share of the previous step's deals that got this far, in percent


def funnel(pipeline_id: int, user: Any) -> list[FunnelStep]:
    """How many deals reached each open or won stage (lost deals count up to where they got), and the rates."""
    deals = _deals(user, pipeline_id=pipeline_id)
    reached = dict(db_session().execute(select(deals.c.reached_position, func.count())
                                        .group_by(deals.c.reached_position)).all())
    steps: list[FunnelStep] = []
    for stage in stages(pipeline_id):
        if stage.outcome == "lost":
            continue
        count = sum(n for position, n in reached.items() if position is not None and position >= stage.position)
        previous = steps[-1].reached if steps else None
        rate = round_half_up(Decimal(count) * HUNDRED / previous, 1) if previous else None
        steps.append(FunnelStep(stage, count, rate))
    return steps


def period_of(day: date, by: str) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if by == "quarter" else f"{day.year}-{day.month:02d}"


@dataclass
class ForecastRow:
    period: str
    group: str
    open: Totals = field(default_factory=Totals)  # best case: every open deal closes; and weighted
    won: Totals = field(default_factory=Totals)


def forecast(user: Any, by: str = "month", start: date | None = None, months: int = 12,
             teams_of: dict[int, list[int]] | None = None) -> list[ForecastRow]:
    """Open deals by expected close month or quarter: best case, weighted; and what was won.

    Grouped by owner, or, given `teams_of` (user id → team ids), by team: a
    deal counts in each team of its owner, and under its own team when it has one.
    """
    start = start or date.today().replace(day=1)
    end = date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
    deals = _deals(user, close_date__gte=start.isoformat(), close_date__lt=end.isoformat())
    stage = Stage.__table__
    rows = db_session().execute(
        select(deals.c.close_date, deals.c.owner_id, deals.c.team_id, stage.c.outcome, deals.c.amount_currency,
               deals.c.probability, deals.c.amount).join(stage, stage.c.id == deals.c.stage_id))
    table: dict[tuple[str, Any], ForecastRow] = {}
    for close_date, owner, team, outcome, currency, probability, amount in rows:
        if outcome == "lost":
            continue
        if teams_of is None:
            groups: list[Any] = [owner]
        else:
            groups = [team] if team else teams_of.get(owner, [None])
        for group in groups:
            key = (period_of(close_date, by), group)
            row = table.setdefault(key, ForecastRow(key[0], group))
            (row.won if outcome == "won" else row.open).add(1, currency, amount,
                                                             HUNDRED if outcome == "won" else probability)
    return [table[k] for k in sorted(table, key=lambda k: (k[0], str(k[1])))]


@dataclass(frozen=True)
class GoalProgress:
    goal: Any
    won: Decimal
    percent: Decimal


def goal_progress(user: Any, team_members: dict[int, list[int]]) -> list[GoalProgress]:
    """Each goal the user may see, with the amount won in its period by its person or its team's members."""
    stage = Stage.__table__
    result = []
    for goal in records.query(Goal.__tablename__, user=user).order_by("-period_start").page(limit=200).items:
        owners = [goal["user_id"]] if goal["user_id"] else team_members.get(goal["team"] or 0, [])
        deals = _deals(None, close_date__gte=goal["period_start"].isoformat(),
                       close_date__lte=goal["period_end"].isoformat())
        won = db_session().scalar(
            select(func.sum(deals.c.amount)).join(stage, stage.c.id == deals.c.stage_id)
            .where(stage.c.outcome == "won", deals.c.owner_id.in_(owners or [0]),
                   deals.c.amount_currency == goal["amount"].currency)) or Decimal(0)
        target = goal["amount"].amount
        result.append(GoalProgress(goal, won, round_half_up(won * HUNDRED / target, 1) if target else Decimal(0)))
    return result
