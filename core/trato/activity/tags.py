"""Tags on any record, in a core table (no column on the entity), and the condition a list filters by."""
from __future__ import annotations

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from .. import db, records
from ..entities import Entity
from ..i18n import _
from .errors import ActivityError
from .models import Tag

MAX_LENGTH = 64


def normalise(text: str) -> str:
    """A tag as stored: trimmed, inner spaces collapsed, lower case."""
    tag = " ".join((text or "").split()).lower()
    if not tag:
        raise ActivityError(_("Type a tag."), "tag")
    if len(tag) > MAX_LENGTH:
        raise ActivityError(_("A tag has at most %(count)s characters.", count=MAX_LENGTH), "tag")
    return tag


def of(entity: str, record_id: int) -> list[str]:
    return list(db.session().scalars(select(Tag.tag).where(Tag.entity == entity, Tag.record_id == record_id)
                                     .order_by(Tag.tag)))


def add(entity: str, record_id: int, text: str) -> str:
    """Tag a record (adding a tag it has is no change)."""
    tag = normalise(text)
    with records.atomic() as session:
        if tag not in of(entity, record_id):
            try:
                with session.begin_nested():
                    session.add(Tag(entity=entity, record_id=record_id, tag=tag))
            except IntegrityError:
                pass  # someone added the same tag at the same moment
    return tag


def remove(entity: str, record_id: int, tag: str) -> None:
    with records.atomic() as session:
        session.execute(delete(Tag).where(Tag.entity == entity, Tag.record_id == record_id, Tag.tag == tag))


def in_use(entity: str) -> list[str]:
    """Every tag used on `entity`'s records, for a list page's tag filter.

    Read as a loose index scan, one step along the (entity, tag) index per distinct tag: a DISTINCT would
    read the entry of every tagged record on each list page.
    """
    later = aliased(Tag)
    seen = select(func.min(Tag.tag).label("tag")).where(Tag.entity == entity).cte("seen", recursive=True)
    seen = seen.union_all(select(select(func.min(later.tag)).where(later.entity == entity, later.tag > seen.c.tag)
                                 .scalar_subquery()).where(seen.c.tag.is_not(None)))
    return list(db.session().scalars(select(seen.c.tag).where(seen.c.tag.is_not(None)).order_by(seen.c.tag)))


def tag_filter(entity: Entity, tag: str) -> ColumnElement[bool]:
    """The SQL condition "this record of `entity` has `tag`", to add to a RecordQuery's conditions.

        query = dataclasses.replace(query, conditions=(*query.conditions, tag_filter(entity, "vip")))
    """
    tagged = select(Tag.record_id).where(Tag.entity == entity.name, Tag.tag == normalise(tag))
    return entity.table.c.id.in_(tagged)
