"""The administrators' audit feed: record history (`core_audit`) and security events in one list.

Both tables are read newest first with the same filters, each part through
its `at` index and cut at the page size, and the two parts are merged in
Python; a page's cursor is the position of its last row, `(at, source, id)`,
so that a deep page costs what the first one does.
"""
from __future__ import annotations

import base64
import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, cast, or_, select, true
from sqlalchemy.orm import Session

from .. import security_log
from ..errors import TratoError
from ..i18n import _l
from ..models import User
from ..records import audit
from ..records.audit import AuditEntry
from ..security_log import SecurityEvent

# Ties on `at` are broken by source, then id: security events (0) sort after record changes (1).
RECORD, SECURITY = "record", "security"
RANK = {SECURITY: 0, RECORD: 1}
OWNER_CHANGE = "owner"  # an update whose changes include the owner

RECORD_ACTIONS = {
    audit.CREATE: _l("Record created"),
    audit.UPDATE: _l("Record changed"),
    OWNER_CHANGE: _l("Owner changed"),
    audit.DELETE: _l("Moved to the recycle bin"),
    audit.RESTORE: _l("Restored from the recycle bin"),
    audit.PURGE: _l("Purged for good"),
    audit.ERASE: _l("Personal data erased"),
    audit.BLOCK: _l("Blocked"),
    audit.UNBLOCK: _l("Unblocked"),
}


class BadCursor(TratoError):
    """A page link that this feed did not make."""


@dataclass(frozen=True)
class Filters:
    """What an administrator narrows the feed to; every part is optional."""

    who: str = ""
    entity: str = ""
    record_id: int | None = None
    action: str = ""
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC
    ip: str = ""


@dataclass
class Row:
    """One line of the feed, from either table."""

    source: str
    id: int
    at: datetime
    action: str
    user_id: int | None  # who acted
    subject_id: int | None = None  # the account a security event is about
    entity: str = ""
    record_id: int | None = None
    ip: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def position(self) -> tuple[datetime, int, int]:
        return self.at, RANK[self.source], self.id

    @property
    def label(self) -> str:
        if self.source == SECURITY:
            return str(security_log.LABELS.get(self.action, self.action))
        return str(RECORD_ACTIONS.get(self.action, self.action))


def encode_cursor(row: Row) -> str:
    text = f"{row.at.isoformat()}|{RANK[row.source]}|{row.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int, int]:
    try:
        at, rank, row_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        position = datetime.fromisoformat(at), int(rank), int(row_id)
    except (ValueError, UnicodeDecodeError):
        raise BadCursor(str(_l("This page link is not valid; start again from the newest entries."))) from None
    if position[0].tzinfo is None or position[1] not in RANK.values():
        raise BadCursor(str(_l("This page link is not valid; start again from the newest entries.")))
    return position


def _after(at_col: Any, id_col: Any, rank: int, position: tuple[datetime, int, int] | None) -> ColumnElement[bool]:
    """Rows of a source of `rank` that come after `position` in newest-first order."""
    if position is None:
        return true()
    at, other_rank, row_id = position
    if rank < other_rank:
        return at_col <= at  # type: ignore[no-any-return]
    if rank > other_rank:
        return at_col < at  # type: ignore[no-any-return]
    return or_(at_col < at, and_(at_col == at, id_col < row_id))


def _people(who: str) -> Any:
    return select(User.id).where(or_(User.email.icontains(who, autoescape=True),
                                     User.name.icontains(who, autoescape=True)))


def _record_part(f: Filters, position: tuple[datetime, int, int] | None, limit: int) -> Any:
    a = AuditEntry
    if f.action in security_log.LABELS:
        return None  # no security event kind is a record change
    where = [_after(a.at, a.id, RANK[RECORD], position)]
    if f.ip:
        where.append(a.ip.startswith(f.ip, autoescape=True))
    if f.who:
        where.append(a.user_id.in_(_people(f.who)))
    if f.entity:
        where.append(a.entity == f.entity)
    if f.record_id is not None:
        where.append(a.record_id == f.record_id)
    if f.action == OWNER_CHANGE:
        where += [a.action == audit.UPDATE, cast(a.changes, Text).like('%"owner\\_id"%', escape="\\")]
    elif f.action:
        where.append(a.action == f.action)
    if f.since:
        where.append(a.at >= f.since)
    if f.until:
        where.append(a.at < f.until)
    return select(a).where(*where).order_by(a.at.desc(), a.id.desc()).limit(limit)


def _security_part(f: Filters, position: tuple[datetime, int, int] | None, limit: int) -> Any:
    e = SecurityEvent
    if f.entity or f.record_id is not None or f.action in RECORD_ACTIONS:
        return None
    where = [_after(e.at, e.id, RANK[SECURITY], position)]
    if f.who:
        people = _people(f.who)
        where.append(or_(e.user_id.in_(people), e.actor_id.in_(people)))
    if f.action:
        where.append(e.kind == f.action)
    if f.ip:
        where.append(e.ip.startswith(f.ip, autoescape=True))
    if f.since:
        where.append(e.at >= f.since)
    if f.until:
        where.append(e.at < f.until)
    return select(e).where(*where).order_by(e.at.desc(), e.id.desc()).limit(limit)


def _record_row(a: AuditEntry) -> Row:
    changes = a.changes or {}
    action = OWNER_CHANGE if a.action == audit.UPDATE and "owner_id" in changes else a.action
    return Row(RECORD, a.id, a.at, action, a.user_id, entity=a.entity, record_id=a.record_id, changes=changes,
               ip=a.ip)


def _security_row(e: SecurityEvent) -> Row:
    return Row(SECURITY, e.id, e.at, e.kind, e.actor_id or e.user_id, subject_id=e.user_id, ip=e.ip,
               detail=e.detail or {})


def page(session: Session, f: Filters, limit: int, cursor: str | None = None) -> tuple[list[Row], str | None]:
    """Up to `limit` rows after `cursor`, newest first, and the cursor of the next page (None at the end)."""
    position = decode_cursor(cursor) if cursor else None
    parts: list[list[Row]] = []
    record_query = _record_part(f, position, limit + 1)
    if record_query is not None:
        parts.append([_record_row(a) for a in session.scalars(record_query)])
    security_query = _security_part(f, position, limit + 1)
    if security_query is not None:
        parts.append([_security_row(e) for e in session.scalars(security_query)])
    rows = list(heapq.merge(*parts, key=lambda r: r.position, reverse=True))
    following = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], following


def every_page(session: Session, f: Filters, batch: int = 500) -> Iterator[list[Row]]:
    """All the rows the filters keep, a page at a time (for the CSV export)."""
    cursor: str | None = None
    while True:
        rows, cursor = page(session, f, batch, cursor)
        yield rows
        if cursor is None:
            return


def people(session: Session, rows: list[Row]) -> dict[int, User]:
    """The users the rows name, in one query."""
    ids = {i for r in rows for i in (r.user_id, r.subject_id) if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
