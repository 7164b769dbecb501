"""What the access policy asks of shared records: the SQL condition, and which of some records are shared.

A share adds one record to what a user's role scopes give: a `view` share
to what they see (and so export, and what an import matches), an `edit`
share also to what they may change. Shares never add deleting. The policy
adds a condition only for the entities where the user or one of their
teams holds a share (`Grants.shared`, kept until the `shares` counter that
every share change moves), so that lists of the others cost nothing more.

Where it is added, its form follows what makes a list fast at a million
records. A user who owns many records (more than `FEW`) gets one EXISTS per
grantee kind, each answered by a unique index on (entity, user or team,
record): a page is read in its sort order and each row checked, and their
own rows come soon. One who owns few would have the whole table walked that
way for a page; for them the shared records are named by id (`listed`: the ids
themselves up to `LISTED`, so that PostgreSQL can combine the owner index
with the primary key, else a subquery), and both databases read their own
records and the shared ones by index and sort the few they found.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from .models import SHARE_ACCESS, RecordShare

if TYPE_CHECKING:
    from ..entities import Entity

COUNTER = "shares"  # moves with every share made, changed or removed (trato.counters)
# The share accesses that let a user do an action; the actions not named (create, delete, restore) none.
LEVELS = {"view": SHARE_ACCESS, "export": SHARE_ACCESS, "import": SHARE_ACCESS, "edit": ("edit",)}
FEW = 10_000  # own records up to which a list reads them and the shared ones by index (and sorts them)
LISTED = 1_000  # shared ids written into a query as values; more, and it asks a subquery
_SHARES = RecordShare.__table__


def held(session: Session, user_id: int, teams: Collection[int]) -> dict[str, frozenset[str]]:
    """The entities whose records are shared with the user or their teams, with the accesses given."""
    found: dict[str, set[str]] = {}
    query = select(_SHARES.c.entity, _SHARES.c.access).where(_grantee(user_id, teams)).distinct()
    for entity, level in session.execute(query):
        found.setdefault(entity, set()).add(level)
    return {entity: frozenset(levels) for entity, levels in found.items()}


def levels_for(action: str, held_levels: Mapping[str, frozenset[str]], entity: str) -> tuple[str, ...]:
    """The accesses of the shares that let the user `action` records of `entity`, if they hold any such."""
    wanted = LEVELS.get(action, ())
    return wanted if set(wanted) & held_levels.get(entity, frozenset()) else ()


def _where(entity: str, levels: Iterable[str]) -> list[ColumnElement[bool]]:
    levels = tuple(levels)
    where = [_SHARES.c.entity == entity]
    if levels != SHARE_ACCESS:
        where.append(_SHARES.c.access.in_(levels))
    return where


def condition(entity: Entity, user_id: int, teams: Collection[int], levels: Iterable[str]) -> ColumnElement[bool]:
    """Whether the row of `entity.table` is shared with the user or one of their teams with one of `levels`."""
    table, where = entity.table, _where(entity.name, levels)
    parts = [exists().where(*where, _SHARES.c.user_id == user_id, _SHARES.c.record_id == table.c.id)]
    if teams:
        parts.append(exists().where(*where, _SHARES.c.team_id.in_(teams), _SHARES.c.record_id == table.c.id))
    return or_(*parts)


def _grantee(user_id: int, teams: Collection[int]) -> ColumnElement[bool]:
    grantee = _SHARES.c.user_id == user_id
    return or_(grantee, _SHARES.c.team_id.in_(teams)) if teams else grantee


def shared_ids(session: Session, entity: str, ids: Collection[Any], user_id: int, teams: Collection[int],
               levels: Iterable[str]) -> frozenset[int]:
    """Which of the records `ids` of `entity` are shared with the user or their teams with one of `levels`."""
    if not ids:
        return frozenset()
    query = select(_SHARES.c.record_id).where(*_where(entity, levels), _SHARES.c.record_id.in_(ids),
                                              _grantee(user_id, teams))
    return frozenset(session.scalars(query))


def owns_few(session: Session, entity: Entity, user_id: int) -> bool:
    """Whether the user owns at most `FEW` records of `entity` (counting no further than that)."""
    table = entity.table
    mine = select(literal(1)).where(table.c.owner_id == user_id).limit(FEW + 1).subquery()
    return int(session.scalar(select(func.count()).select_from(mine)) or 0) <= FEW


def listed(session: Session, entity: str, user_id: int, teams: Collection[int], levels: Iterable[str]
        ) -> frozenset[int] | Select[Any]:
    """The ids of the records of `entity` shared with the user or their teams with one of `levels`: the values
    up to `LISTED`, else the subquery that selects them."""
    query = select(_SHARES.c.record_id).where(*_where(entity, levels), _grantee(user_id, teams))
    found = session.scalars(query.limit(LISTED + 1)).all()
    return frozenset(found) if len(found) <= LISTED else query
