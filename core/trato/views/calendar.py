"""The calendar of any entity with a date or date-time field, by month or by week.

    /r/trade_deal/calendar?field=closes_on&month=2026-11
    /r/trade_deal/calendar?field=last_contact_at&week=2026-W47&stage=new

Days are the user's: a date-time falls on the day it is in their time zone,
and weeks start on their language's first day (Monday for Spanish). The
list's filters and search apply; each record links to its page.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_skeleton
from flask import request
from flask_babel import format_date, format_time, get_locale, get_timezone
from flask_login import login_required

from .. import records
from ..entities import Entity
from ..fields import Field
from ..i18n import _
from ..records import QueryError
from . import saved
from .inputs import signed_in
from .listing import ListState, date_fields, select_fields
from .pages import _entity, _fragment_or_page, bp
from ..presentation import visible_fields

LIMIT = 500
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Span:
    """The days shown: from `start` to `end` (exclusive), and the month or week they stand for."""

    start: date
    end: date
    mode: str  # "month" | "week"
    first: date  # the month's first day, or the ISO week's Monday

    @property
    def title(self) -> str:
        if self.mode == "month":
            return format_skeleton("yMMMM", self.first, locale=get_locale())
        return _("Week of %(start)s to %(end)s", start=format_date(self.start, "d MMM"),
                 end=format_date(self.end - timedelta(days=1), "d MMM y"))

    def param(self, day: date) -> dict[str, str]:
        """The URL parameter naming the month or week of `day` in this span's mode."""
        if self.mode == "month":
            return {"month": f"{day:%Y-%m}"}
        year, week, _weekday = day.isocalendar()
        return {"week": f"{year}-W{week:02d}"}

    def previous(self) -> dict[str, str]:
        return self.param(self.first - timedelta(days=1 if self.mode == "month" else 7))

    def following(self) -> dict[str, str]:
        return self.param(self.end + timedelta(days=1) if self.mode == "month" else self.first + timedelta(days=7))

    def weeks(self) -> list[list[date]]:
        days = [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]
        return [days[i:i + 7] for i in range(0, len(days), 7)]


def first_weekday() -> int:
    """The first day of the week in the user's language: 0 is Monday."""
    return int(get_locale().first_week_day) if get_locale() else 0


def span(args: Any, today: date) -> Span:
    """The month or week the URL asks for (this month by default); ValueError if it cannot be read."""
    start_day = first_weekday()
    if args.get("week"):
        match = WEEK.match(args["week"])
        if not match:
            raise ValueError(args["week"])
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        start = monday - timedelta(days=(monday.weekday() - start_day) % 7)
        return Span(start, start + timedelta(days=7), "week", monday)
    first = today.replace(day=1)
    if args.get("month"):
        match = MONTH.match(args["month"])
        if not match:
            raise ValueError(args["month"])
        first = date(int(match[1]), int(match[2]), 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start = first - timedelta(days=(first.weekday() - start_day) % 7)
    end = last + timedelta(days=(start_day + 6 - last.weekday()) % 7 + 1)
    return Span(start, end, "month", first)


def _bound(field: Field, day: date) -> str:
    """The query operand for the start of `day`: the date, or the instant the day starts for the user."""
    if field.type.cell == "date":
        return day.isoformat()
    zone = get_timezone()
    midnight = datetime.combine(day, time())
    local = zone.localize(midnight) if hasattr(zone, "localize") else midnight.replace(tzinfo=zone)
    return local.isoformat()


def _day_of(field: Field, value: Any) -> tuple[date, str]:
    """The day a value falls on for the user, and the time to show before the title (for date-times)."""
    if isinstance(value, datetime):
        local = value.astimezone(get_timezone())
        return local.date(), format_time(value, "short")
    return value, ""


def _entries(entity: Entity, field: Field, state: ListState, visible: dict[str, Field], shown: Span
             ) -> tuple[dict[date, list[tuple[str, records.RecordData]]], bool]:
    query = state.query(entity, signed_in(), visible).where(
        [(f"{field.name}__gte", _bound(field, shown.start)), (f"{field.name}__lt", _bound(field, shown.end))])
    page = query.order_by(field.name).page(limit=LIMIT)
    days: dict[date, list[tuple[str, records.RecordData]]] = defaultdict(list)
    for record in page.items:
        day, clock = _day_of(field, record[field.name])
        days[day].append((clock, record))
    return days, page.next_cursor is not None


@bp.get("/<entity>/calendar")
@login_required
def calendar(entity: str) -> Any:
    e = _entity(entity)
    user = signed_in()
    visible = {f.name: f for f in visible_fields(e, user)}
    state = ListState.read(e, request.args, visible)
    choices = date_fields(visible)
    field = next((f for f in choices if f.name == request.args.get("field")), choices[0] if choices else None)
    today = datetime.now(get_timezone()).date()
    error, days, more, shown = None, {}, False, None
    try:
        shown = span(request.args, today)
    except ValueError as exc:
        error = _("%(value)s is not a month (2026-11) or a week (2026-W47).", value=str(exc))
    if field is None:
        error = _("%(entity)s has no date field to make a calendar of.", entity=e.plural_text)
    elif shown is not None:
        try:
            days, more = _entries(e, field, state, visible, shown)
        except QueryError as exc:
            error = str(exc)
    names = get_locale().days["format"]["abbreviated"] if get_locale() else {}
    start_day = first_weekday()
    return _fragment_or_page(
        "records/calendar.html", 400 if error and field else 200, entity=e, state=state, field=field,
        choices=choices, span=shown, days=days, more=more, today=today, error=error, limit=LIMIT,
        weekdays=[names.get((start_day + i) % 7, "") for i in range(7)], fields=list(visible.values()),
        menu=saved.menu(e, "calendar", request.args), kind="calendar", has_selects=bool(select_fields(visible)),
        has_dates=True)
