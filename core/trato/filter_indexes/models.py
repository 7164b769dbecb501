"""The tables behind filter indexes: the filters that ran slow, and the indexes made for them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..fields.sqltypes import UTCDateTime
from ..models import utcnow

QUEUED, BUILT, FAILED, DROPPED, UNSUPPORTED = "queued", "built", "failed", "dropped", "unsupported"


class SlowFilter(Base):
    """A field and operator that users filtered a list on, and how often and how slowly that list answered."""

    __tablename__ = "core_slow_filter"

    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    operator: Mapped[str] = mapped_column(String(16), primary_key=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    slowest_ms: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)


class FilterIndex(Base):
    """An index made (or refused, or dropped by an admin) for a field's slow filters.

    `state` is queued, built, failed (`reason` says why), dropped (an admin
    turned it off: it is not made again until turned back on) or unsupported
    (the database has no index for that operator: `contains` on SQLite).
    """

    __tablename__ = "core_filter_index"

    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(63))
    state: Mapped[str] = mapped_column(String(16), default=QUEUED)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True), default=utcnow)
