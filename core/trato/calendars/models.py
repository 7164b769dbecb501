"""Business calendars: working hours per weekday, a time zone, yearly seasons and holidays.

The week is a JSON list of seven lists of [start, end] minute pairs
(Monday first): the hours are read whole whenever a calendar is used and
are never queried by value, so rows per interval would only add joins.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

HOLIDAY_KINDS = ("national", "regional", "local")


class Calendar(Base):
    __tablename__ = "core_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64))  # an IANA name, checked on the way in
    week: Mapped[Any] = mapped_column(JSON)  # [[[540, 840], [900, 1080]], ...] seven days, Monday first
    # The calendar used when none is named (one at most; the service keeps it so).
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class CalendarSeason(Base):
    """Dates of every year (from `start` to `end`, "MM-DD") whose days follow `week` instead of the calendar's."""

    __tablename__ = "core_calendar_season"

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("core_calendar.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    week: Mapped[Any] = mapped_column(JSON)


class Holiday(Base):
    __tablename__ = "core_calendar_holiday"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("core_calendar.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="national")  # one of HOLIDAY_KINDS
