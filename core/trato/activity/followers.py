"""Following a record: its followers hear, in their notification list, when someone else changes or deletes it."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .. import access, db, records
from ..models import User
from ..records import RecordData, RecordNotFound
from ..records.common import entity_of
from . import notifications
from .models import Follower

# Columns the record service moves on every save: not a change a follower needs to hear about.
BOOKKEEPING = frozenset({"version", "updated_at", "updated_by"})


def following(user: Any, entity: str, record_id: int) -> bool:
    return db.session().scalar(select(Follower.user_id).where(
        Follower.user_id == user.id, Follower.entity == entity, Follower.record_id == record_id)) is not None


def follow(user: Any, entity: str, record_id: int) -> None:
    with records.atomic() as session:
        if not following(user, entity, record_id):
            try:
                with session.begin_nested():
                    session.add(Follower(user_id=user.id, entity=entity, record_id=record_id))
            except IntegrityError:
                pass  # a double click


def unfollow(user: Any, entity: str, record_id: int) -> None:
    with records.atomic() as session:
        session.execute(delete(Follower).where(Follower.user_id == user.id, Follower.entity == entity,
                                               Follower.record_id == record_id))


def count(entity: str, record_id: int) -> int:
    return len(_followers(entity, record_id, None))


def _followers(entity: str, record_id: int, actor: Any) -> list[int]:
    stmt = select(Follower.user_id).where(Follower.entity == entity, Follower.record_id == record_id)
    actor_id = getattr(actor, "id", None)
    if actor_id is not None:
        stmt = stmt.where(Follower.user_id != actor_id)
    return list(db.session().scalars(stmt))


def _still_seeing(entity: str, record_id: int, user_ids: list[int], deleted: bool = False) -> list[int]:
    """The active followers who may still see the record (roles change): nobody hears about what they cannot see."""
    if not user_ids:
        return []
    people = db.session().scalars(select(User).where(User.id.in_(user_ids), User.active.is_(True)))
    seeing = []
    for person in people:
        try:
            records.get(entity, record_id, user=person, deleted=deleted)
        except (RecordNotFound, access.PermissionRefused):
            continue
        seeing.append(person.id)
    return seeing


def record_saved(entity: str, record: RecordData, previous: RecordData | None, user: Any) -> None:
    """After an update: tell each follower but the actor which fields changed (inside the save's transaction)."""
    if previous is None:
        return  # a new record has no followers yet
    changed = [name for name, value in record.items() if name not in BOOKKEEPING and previous.get(name) != value]
    if not changed:
        return
    who = _still_seeing(entity, record.id, _followers(entity, record.id, user))
    if who:
        e = entity_of(entity)
        notifications.send(db.session(), who, notifications.CHANGE, entity, record.id, e.title_of(record),
                           getattr(user, "id", None), fields=changed)


def record_deleted(entity: str, record: RecordData, user: Any) -> None:
    who = _still_seeing(entity, record.id, _followers(entity, record.id, user), deleted=True)
    if who:
        notifications.send(db.session(), who, notifications.DELETE, entity, record.id,
                           entity_of(entity).title_of(record), getattr(user, "id", None))
