"""Which records a received message belongs to.

First the conversation: the ids in In-Reply-To and References are looked up
among the messages our outbox sent (`core_mail_outbox`, written by mail out)
and among the messages taken in before; a reply lands where the message it
answers was logged. Then the addresses: the sender's and the recipients'
(our own left out) against every email field of every enabled entity, as
the entity engine describes them, so an entity or field an admin made counts
the same as a plugin's.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, column, func, inspect, or_, select, table

from .. import records
from ..entities import Entity
from .models import MailLink, ReceivedMail

Target = tuple[str, int]
PER_ENTITY = 20  # records of one entity an address may match (a shared address on a thousand records is noise)

OUTBOX = table("core_mail_outbox", column("message_id"), column("entity"), column("record_id"))
_has_outbox: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()


def outbox_exists(session) -> bool:  # type: ignore[no-untyped-def]
    """Whether mail out's table is there (it comes with migration c027); remembered once it is."""
    engine = session.get_bind()
    if not _has_outbox.get(engine):
        _has_outbox[engine] = inspect(session.connection()).has_table("core_mail_outbox")
    return _has_outbox[engine]


def by_thread(session, ids: Sequence[str]) -> list[Target]:  # type: ignore[no-untyped-def]
    """The records the messages `ids` (sent by us, or taken in before) were logged on."""
    if not ids:
        return []
    found: list[Target] = []
    if outbox_exists(session):
        found += [(e, int(r)) for e, r in session.execute(
            select(OUTBOX.c.entity, OUTBOX.c.record_id).where(OUTBOX.c.message_id.in_(ids),
                                                              OUTBOX.c.entity.is_not(None),
                                                              OUTBOX.c.record_id.is_not(None)))]
    found += [(e, r) for e, r in session.execute(
        select(MailLink.entity, MailLink.record_id).join(ReceivedMail, ReceivedMail.id == MailLink.mail_id)
        .where(ReceivedMail.message_id.in_(ids)))]
    return list(dict.fromkeys(found))


def sent_by_us(session, message_id: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether our outbox sent a message with this id (then it has come back: a loop)."""
    return outbox_exists(session) and session.scalar(
        select(OUTBOX.c.message_id).where(OUTBOX.c.message_id == message_id).limit(1)) is not None


def email_fields(entity: Entity) -> list[str]:
    return [f.name for f in entity.fields.values() if f.type.name == "email"]


def by_address(session, addresses: Iterable[str]) -> list[Target]:  # type: ignore[no-untyped-def]
    """The live records of every entity with an email field holding one of `addresses` (any case)."""
    wanted = sorted({a.lower() for a in addresses if a})
    if not wanted:
        return []
    found: list[Target] = []
    for entity in records.entities():
        names = email_fields(entity)
        if not names or entity.parent:
            continue
        t = entity.table
        query = (select(t.c.id).where(or_(*(func.lower(t.c[n]).in_(wanted) for n in names)))
                 .order_by(t.c.id).limit(PER_ENTITY))
        if "deleted_at" in t.c:
            query = query.where(t.c.deleted_at.is_(None))
        found += [(entity.name, int(i)) for i in session.scalars(query)]
    return found
