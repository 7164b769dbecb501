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
from sqlalchemy import column, func, or_, select, table
from sqlalchemy.orm import Session

from .. import records
from ..entities import Entity
from .models import MailLink, ReceivedMail

Target = tuple[str, int]
PER_ENTITY = 20  # records of one entity an address may match (a shared address on a thousand records is noise)

# Mail out's tables (migration c027, before ours), read through light declarations of the columns used.
OUTBOX = table("core_mail_outbox", column("id"), column("message_id"), column("entity"), column("record_id"))
OUT_LINK = table("core_mail_out_link", column("outbox_id"), column("entity"), column("record_id"))


def by_thread(session: Session, ids: Sequence[str]) -> list[Target]:
    """The records the messages `ids` were logged on: those our outbox sent them from or to (its links), and
    those received messages were logged on."""
    if not ids:
        return []
    sent = select(OUTBOX.c.entity, OUTBOX.c.record_id).where(OUTBOX.c.message_id.in_(ids),
                                                             OUTBOX.c.entity.is_not(None),
                                                             OUTBOX.c.record_id.is_not(None))
    linked = select(OUT_LINK.c.entity, OUT_LINK.c.record_id).join(OUTBOX, OUTBOX.c.id == OUT_LINK.c.outbox_id) \
        .where(OUTBOX.c.message_id.in_(ids))
    received = select(MailLink.entity, MailLink.record_id).join(ReceivedMail, ReceivedMail.id == MailLink.mail_id) \
        .where(ReceivedMail.message_id.in_(ids))
    found = [(str(e), int(r)) for query in (sent, linked, received) for e, r in session.execute(query)]
    return list(dict.fromkeys(found))


def sent_by_us(session: Session, message_id: str) -> bool:
    """Whether our outbox sent a message with this id (then it has come back: a loop)."""
    return session.scalar(select(OUTBOX.c.id).where(OUTBOX.c.message_id == message_id).limit(1)) is not None


def email_fields(entity: Entity) -> list[str]:
    return [f.name for f in entity.fields.values() if f.type.name == "email"]


def by_address(session: Session, addresses: Iterable[str]) -> list[Target]:
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
