"""In-app notifications also sent by email to the users who asked for their kind (profile, Mail).

Queued in the transaction that writes the notifications, so a save that
rolls back mails nothing; the outbox's periodic job sends them within a
minute. Each is worded as the in-app one, in the reader's language, with a
link to the record.
"""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import LANGUAGES, _
from ..models import User
from .models import MailProfile
from .outbox import queue, system_sender


def _wanting(session: Session, user_ids: Iterable[int], kind: str) -> list[User]:
    ids = list(user_ids)
    if not ids:
        return []
    profiles = session.execute(select(MailProfile.user_id, MailProfile.notify).where(MailProfile.user_id.in_(ids)))
    chosen = [uid for uid, notify in profiles if kind in (notify or [])]
    if not chosen:
        return []
    return list(session.scalars(select(User).where(User.id.in_(chosen), User.active.is_(True))))


def email_notifications(session: Session, user_ids: Iterable[int], notification: Any) -> int:
    """Queue the email of `notification` (an unsaved Notification carrying its facts) for each user in
    `user_ids` who wants its kind by email; how many."""
    from ..activity.notifications import wording

    readers = _wanting(session, user_ids, notification.kind)
    if not readers:
        return 0
    settings = current_app.extensions["trato"].settings
    actor = session.get(User, notification.actor_id) if notification.actor_id else None
    requested = nullcontext() if has_request_context() else current_app.test_request_context(base_url=settings.base_url)
    with requested:
        link = settings.base_url.rstrip("/") + url_for("records.detail", entity=notification.entity,
                                                       record_id=notification.record_id)
        for reader in readers:
            language = reader.locale if reader.locale in LANGUAGES else settings.default_locale
            with force_locale(language):
                said = wording(notification, actor.name if actor else _("Someone"), reader)
                text = "\n\n".join([said, _("Open the record: %(link)s", link=link),
                                    _("You get this email because you asked for it in your profile (Mail).")])
            queue(session, sender=system_sender(), to=[reader.email], subject=said, text=text + "\n",
                  kind="notification", created_by=notification.actor_id)
    return len(readers)
