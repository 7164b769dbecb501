"""Sharing one record with a user or a team: who may, a record's shares, and their history.

A share (`RecordShare`) adds one record to what a user, or every member of a
team, sees; with `edit` access also to what they may change (shared.py says
how the access policy applies it). Only the record's owner, or someone who
may change it, shares it or stops sharing it; whoever sees the record sees
its shares. Sharing again with the same user or team changes the access.

Each change is written to the record's audit history (actions "share" and
"unshare") in the same transaction, and moves the `shares` counter, so that
every worker applies it from its next request. Shares stay while the record
is in the recycle bin (it comes back shared) and go when it is purged
(`forget`, called from the `records_purged` hook).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import access, counters, db, records
from ..directory import team_names, user_names
from ..entities import Entity
from ..errors import TratoError
from ..i18n import _, _l
from ..models import User, utcnow
from ..records import RecordData, audit
from ..records.common import entity_of, user_id
from .models import SHARE_ACCESS, RecordShare, Team
from .shared import COUNTER

SHARE, UNSHARE = "share", "unshare"  # the audit history's actions
HISTORY = frozenset({SHARE, UNSHARE})
ACCESS_LABELS = {"view": _l("May see it"), "edit": _l("May see and change it")}
_HISTORY_LABELS = {"shared_with": _l("Who it is shared with"), "access": _l("Access")}


class ShareRefused(TratoError):
    """A share that cannot be made as asked; `field` names the input (user_id, team_id, access)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Share:
    """One share of a record as the panel and the API show it."""

    id: int
    user_id: int | None
    team_id: int | None
    access: str
    grantee: str  # the user's or the team's name
    shared_by: int | None
    shared_by_name: str
    shared_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "user_id": self.user_id, "team_id": self.team_id, "access": self.access,
                "grantee": self.grantee, "shared_by": self.shared_by, "shared_at": self.shared_at.isoformat()}


def _described(rows: Sequence[RecordShare]) -> list[Share]:
    users = user_names([r.user_id for r in rows] + [r.shared_by for r in rows])
    teams = team_names(r.team_id for r in rows)
    return [Share(r.id, r.user_id, r.team_id, r.access,
                  users.get(r.user_id or 0, "") if r.user_id else teams.get(r.team_id or 0, ""),
                  r.shared_by, users.get(r.shared_by or 0, ""), r.shared_at) for r in rows]


def may_share(user: Any, entity: Entity | str, record: RecordData) -> bool:
    """Whether `user` may share `record` (or stop sharing it): its owner, or someone who may change it."""
    if user is None:
        return True
    return record.get("owner_id") == user_id(user) or access.allowed(user, entity, "edit", record)


def _record(entity: Entity, record_id: int, user: Any, sharing: bool) -> RecordData:
    """The record as `user` sees it (RecordNotFound otherwise); with `sharing`, refused unless they may share it."""
    record = records.get(entity, record_id, user=user)
    if sharing and not may_share(user, entity, record):
        raise access.PermissionRefused(_("Only the owner of “%(name)s”, or someone who may change it, may share it.",
                                         name=entity.title_of(access.without_hidden(user, entity, record))),
                                       "edit", entity.name, [record_id])
    return record


def _rows(session: Session, entity: str, record_id: int) -> list[RecordShare]:
    return list(session.scalars(select(RecordShare).where(RecordShare.entity == entity,
                                                          RecordShare.record_id == record_id)
                                .order_by(RecordShare.id)))


def shares_of(entity: str | Entity, record_id: int, *, user: Any) -> list[Share]:
    """The record's shares, oldest first, for anyone who sees the record."""
    e = entity_of(entity)
    _record(e, record_id, user, sharing=False)
    return _described(_rows(db.session(), e.name, record_id))


def _grantee(session: Session, record: RecordData, to_user: int | None, to_team: int | None) -> tuple[str, int]:
    """("user_id" or "team_id", the id) of whom the record is shared with, checked."""
    if (to_user is None) == (to_team is None):
        raise ShareRefused(_("Choose one user or one team to share with."), "user_id")
    if to_user is not None:
        if session.scalar(select(User.id).where(User.id == to_user, User.active.is_(True))) is None:
            raise ShareRefused(_("There is no active user with the id %(id)s.", id=to_user), "user_id")
        if to_user == record.get("owner_id"):
            raise ShareRefused(_("This user owns the record already."), "user_id")
        return "user_id", to_user
    if session.get(Team, to_team) is None:
        raise ShareRefused(_("There is no team with the id %(id)s.", id=to_team), "team_id")
    return "team_id", int(to_team)  # type: ignore[arg-type]


def _audit(session: Session, entity: Entity, record_id: int, user: Any, action: str,
           before: Share | None, after: Share | None) -> None:
    diff = {name: [getattr(before, attr) if before else None, getattr(after, attr) if after else None]
            for name, attr in (("shared_with", "grantee"), ("access", "access"))}
    audit.write(session, [{"action": action, "entity": entity.name, "record_id": record_id, "user_id": user_id(user),
                           "at": utcnow(), "changes": {k: v for k, v in diff.items() if v[0] != v[1]}}])


def share(entity: str | Entity, record_id: int, *, user: Any, to_user: int | None = None,
          to_team: int | None = None, level: str = "view") -> tuple[Share, bool]:
    """Share the record with one user or one team (`level`: view or edit); (the share, whether it is new).

    Sharing again with the same user or team changes its access. Two people
    sharing with the same user at once both succeed: the one whose insert
    the unique key refuses finds the other's share and changes that.
    """
    e = entity_of(entity)
    record = _record(e, record_id, user, sharing=True)
    if level not in SHARE_ACCESS:
        raise ShareRefused(_("Choose whether they may see the record or also change it."), "access")
    try:
        return _share(e, record, user, to_user, to_team, level)
    except IntegrityError:
        return _share(e, record, user, to_user, to_team, level)


def _share(entity: Entity, record: RecordData, user: Any, to_user: int | None, to_team: int | None, level: str
           ) -> tuple[Share, bool]:
    with records.atomic() as session:
        column, grantee = _grantee(session, record, to_user, to_team)
        row = session.scalar(select(RecordShare).where(RecordShare.entity == entity.name,
                                                       RecordShare.record_id == record.id,
                                                       getattr(RecordShare, column) == grantee))
        before = _described([row])[0] if row is not None else None
        if before is not None and before.access == level:
            return before, False
        if row is None:
            row = RecordShare(entity=entity.name, record_id=record.id, **{column: grantee})
            session.add(row)
        row.access, row.shared_by, row.shared_at = level, user_id(user), utcnow()
        session.flush()
        after = _described([row])[0]
        _audit(session, entity, record.id, user, SHARE, before, after)
        counters.bump(session, COUNTER)
    return after, before is None


def unshare(entity: str | Entity, record_id: int, share_id: int, *, user: Any) -> None:
    """Stop sharing the record with the user or team of share `share_id` (RecordNotFound if it is not its)."""
    e = entity_of(entity)
    _record(e, record_id, user, sharing=True)
    with records.atomic() as session:
        row = session.scalar(select(RecordShare).where(RecordShare.id == share_id, RecordShare.entity == e.name,
                                                       RecordShare.record_id == record_id))
        if row is None:
            raise records.RecordNotFound(RecordShare.__tablename__, [share_id])
        _audit(session, e, record_id, user, UNSHARE, _described([row])[0], None)
        session.delete(row)
        counters.bump(session, COUNTER)


def history_lines(changes: dict[str, list[Any]] | None) -> list[tuple[str, str | None, str | None]]:
    """A share's audit entry as the timeline's (label, before, after) lines, in the reader's language."""
    def text(name: str, value: Any) -> str | None:
        return str(ACCESS_LABELS[value]) if name == "access" and value in ACCESS_LABELS else value

    return [(str(_HISTORY_LABELS[name]), text(name, old), text(name, new))
            for name, (old, new) in (changes or {}).items() if name in _HISTORY_LABELS]


def forget(session: Session, entity: str, ids: Sequence[int]) -> None:
    """Remove the shares of records purged for good, in `session`'s transaction."""
    gone = session.execute(delete(RecordShare).where(RecordShare.entity == entity, RecordShare.record_id.in_(ids)))
    if gone.rowcount:
        counters.bump(session, COUNTER)
