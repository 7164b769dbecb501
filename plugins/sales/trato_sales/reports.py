"""The numbers of the board, the funnel, the forecast and the goals, each from `records.aggregate`.

The aggregate applies the access rules twice: its rows are those the user
may see (a rep's forecast adds up their own deals, a manager's their team's)
and its columns those their role shows. A role that hides the deal's amount
gets counts only, and no goal progress; one that hides its probability gets
no weighted amounts. Money is summed per currency and stays Decimal.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from trato import Money, access, companies, currencies, fields, records
from trato import session as db_session

from .models import Deal, Goal, Stage

HUNDRED = Decimal(100)
DEAL = Deal.__tablename__
AMOUNT = "sum:amount"


@dataclass
class Totals:
    """Sums per currency: the amount, and the amount weighted by each deal's probability."""

    count: int = 0
    amount: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    weighted: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def add(self, bucket: records.Bucket, probability: Decimal | None, weighted: bool) -> None:
        """Add an aggregate bucket: its count, its amounts and, if `weighted`, them weighted by `probability`."""
        self.count += bucket.count
        for code, amount in bucket.values.get(AMOUNT, {}).items():
            code = code or fields.company_currency()
            self.amount[code] += amount
            if weighted:
                self.weighted[code] += currencies.round_money(amount * (probability or 0) / HUNDRED, code)


@dataclass(frozen=True)
class InBase:
    """Amounts in several currencies as one total in the base currency; `converted` when some were not in it,
    at the exchange rates of day `on` (what a note under the total says)."""

    amount: Decimal
    currency: str
    on: date
    converted: bool


def in_base(amounts: Iterable[tuple[str | None, Decimal]], on: date) -> InBase | None:
    """The amounts summed in the default company's base currency, each converted at the rate of `on`; None when
    a rate is missing, and the amounts are then shown per currency."""
    base = companies.default_company().base_currency
    total, converted = Decimal(0), False
    for code, amount in amounts:
        if (code or base) == base:
            total += amount
            continue
        try:
            total += currencies.convert(Money(amount, code), base, on).amount  # type: ignore[arg-type]
        except currencies.NoRate:
            return None
        converted = True
    return InBase(currencies.round_money(total, base), base, on, converted)


@dataclass(frozen=True)
class Shown:
    """What of a deal's money the user's role shows: its amount, and its amount weighted by probability."""

    amount: bool
    weighted: bool


def shown(user: Any) -> Shown:
    hidden = access.hidden_fields(user, DEAL) if user is not None else frozenset()
    return Shown("amount" not in hidden, "amount" not in hidden and "probability" not in hidden)


def deal_sums(user: Any, group_by: Iterable[str], where: dict[str, Any], every_record: bool = False
              ) -> tuple[Shown, list[records.Bucket]]:
    """The deals' count and, where the role shows them, amount per currency, grouped (by probability too when
    weighted amounts are shown)."""
    see = shown(user)
    groups = [*group_by, *(["probability"] if see.weighted else [])]
    return see, records.aggregate(DEAL, user, group_by=groups, measures=["count", AMOUNT] if see.amount else
                                  ["count"], where=where, every_record=every_record)


def visible_deals(deals: Iterable[records.RecordData], user: Any) -> list[records.RecordData]:
    """The deals less the fields the user's role hides, for cards that show a deal's values (the amount)."""
    return [records.RecordData(DEAL, access.without_hidden(user, DEAL, deal)) for deal in deals]


def stages(pipeline_id: int) -> list[Any]:
    table = Stage.__table__
    return list(db_session().execute(select(table).where(table.c.pipeline_id == pipeline_id,
                                                         table.c.deleted_at.is_(None))
                                     .order_by(table.c.position, table.c.id)).all())


def stage_ids(outcome: str) -> list[int]:
    """The stages of every pipeline (those in the recycle bin too: their deals still count) with this outcome."""
    table = Stage.__table__
    return list(db_session().scalars(select(table.c.id).where(table.c.outcome == outcome))) or [0]


def column_totals(pipeline_id: int, user: Any) -> dict[int, Totals]:
    """Per stage of the pipeline: the deals' count, amount and weighted amount."""
    see, buckets = deal_sums(user, ["stage_id"], {"pipeline_id": pipeline_id})
    totals: dict[int, Totals] = defaultdict(Totals)
    for bucket in buckets:
        totals[bucket.key["stage_id"]].add(bucket, bucket.key.get("probability"), see.weighted)
    return totals


def stale(deal: Any, stage: Any, now: datetime | None = None) -> bool:
    """Whether the deal has stayed in its stage longer than the stage allows."""
    if not stage.max_days or deal.get("stage_changed_at") is None:  # absent: the role hides it
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
    reached = {b.key["reached_position"]: b.count for b in records.aggregate(
        DEAL, user, group_by=["reached_position"], where={"pipeline_id": pipeline_id})}
    steps: list[FunnelStep] = []
    for stage in stages(pipeline_id):
        if stage.outcome == "lost":
            continue
        count = sum(n for position, n in reached.items() if position is not None and position >= stage.position)
        previous = steps[-1].reached if steps else None
        rate = fields.round_half_up(Decimal(count) * HUNDRED / previous, 1) if previous else None
        steps.append(FunnelStep(stage, count, rate))
    return steps


@dataclass
class ForecastRow:
    period: str
    group: str
    open: Totals = field(default_factory=Totals)  # best case: every open deal closes; and weighted
    won: Totals = field(default_factory=Totals)


def forecast(user: Any, by: str = "month", start: date | None = None, months: int = 12,
             teams_of: dict[int, list[int]] | None = None) -> list[ForecastRow]:
    """Open deals by expected close month or quarter: best case, weighted; and what was won in each, by the
    day it was won (`closed_on`), whatever close date had been expected.

    Grouped by owner, or, given `teams_of` (user id → team ids), by team: a
    deal counts in each team of its owner, and under its own team when it has one.
    """
    start = start or date.today().replace(day=1)
    end = date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
    table: dict[tuple[str, Any], ForecastRow] = {}
    for day, outcome in (("close_date", "open"), ("closed_on", "won")):
        see, buckets = deal_sums(user, [f"{day}:{by}", "owner_id", "team_id"], {
            f"{day}__gte": start.isoformat(), f"{day}__lt": end.isoformat(), "stage_id__in": stage_ids(outcome)})
        for bucket in buckets:
            owner, team = bucket.key["owner_id"], bucket.key["team_id"]
            groups: list[Any] = [owner] if teams_of is None else [team] if team else teams_of.get(owner, [None])
            for group in groups:
                key = (bucket.key[f"{day}:{by}"], group)
                row = table.setdefault(key, ForecastRow(key[0], group))
                totals = row.won if outcome == "won" else row.open
                totals.add(bucket, HUNDRED if outcome == "won" else bucket.key.get("probability"), see.weighted)
    return [table[k] for k in sorted(table, key=lambda k: (k[0], str(k[1])))]


@dataclass(frozen=True)
class GoalProgress:
    goal: Any
    won: Decimal
    percent: Decimal


def goal_progress(user: Any, team_members: dict[int, list[int]]) -> list[GoalProgress]:
    """Each goal the user may see, with the amount won in its period (by the day each deal was won) by its
    person or its team's members, whoever may see those deals; none for a role that hides the deal's amount."""
    if not shown(user).amount:
        return []
    won_stages = stage_ids("won")
    result = []
    for goal in records.query(Goal.__tablename__, user=user).order_by("-period_start").page(limit=200).items:
        owners = [goal["user_id"]] if goal["user_id"] else team_members.get(goal["team"] or 0, [])
        buckets = records.aggregate(DEAL, user, measures=[AMOUNT], every_record=True, where={
            "closed_on__gte": goal["period_start"].isoformat(), "closed_on__lte": goal["period_end"].isoformat(),
            "owner_id__in": owners or [0], "stage_id__in": won_stages})
        won = sum((b.values[AMOUNT].get(goal["amount"].currency, Decimal(0)) for b in buckets), Decimal(0))
        target = goal["amount"].amount
        percent = fields.round_half_up(won * HUNDRED / target, 1) if target else Decimal(0)
        result.append(GoalProgress(goal, won, percent))
    return result


def open_by_stage(user: Any) -> list[tuple[str, int, Decimal | None, str | None]]:
    """The user's own open deals, by stage across pipelines (in stage order) and currency: the stage's name, how
    many, and their amount and its currency (None when the role hides the amount)."""
    see = shown(user)
    buckets = records.aggregate(DEAL, user, group_by=["stage_id", *(["amount:currency"] if see.amount else [])],
                                measures=["count", AMOUNT] if see.amount else ["count"],
                                where={"owner_id": user.id, "stage_id__in": stage_ids("open")})
    table = Stage.__table__
    order = {row.id: (row.position, row.name) for row in db_session().execute(
        select(table.c.id, table.c.position, table.c.name).where(table.c.id.in_({b.key["stage_id"] for b in buckets})))}
    rows = []
    for bucket in sorted(buckets, key=lambda b: order[b.key["stage_id"]]):
        currency = bucket.key.get("amount:currency")
        amount = bucket.values.get(AMOUNT, {}).get(currency or "") if see.amount else None
        rows.append((order[bucket.key["stage_id"]][1], bucket.count, amount, currency))
    return rows


def won_between(user: Any, first: date, last: date) -> list[tuple[str, Decimal]]:
    """What the user won from `first` to `last` (by the day each deal was won), per currency; nothing for a role
    that hides the amount."""
    if not shown(user).amount:
        return []
    buckets = records.aggregate(DEAL, user, measures=[AMOUNT], where={
        "owner_id": user.id, "closed_on__gte": first.isoformat(), "closed_on__lte": last.isoformat(),
        "stage_id__in": stage_ids("won")})
    return sorted((code, amount) for b in buckets for code, amount in b.values[AMOUNT].items())
