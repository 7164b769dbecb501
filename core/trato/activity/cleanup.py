"""Forgetting what hung on records that are purged for good (through the `records_purged` hook)."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import storage
from .models import Activity, Attachment, Follower, Note, Notification, Tag


def forget(session: Session, entity: str, ids: Sequence[int]) -> list[Path]:
    """Delete the notes, activities, attachments, tags, followers and notifications of records `ids`, in
    `session`'s transaction; the attachments' files to remove once it commits."""
    files = [storage.path_of(a) for a in session.scalars(
        select(Attachment).where(Attachment.entity == entity, Attachment.record_id.in_(ids)))]
    for model in (Note, Activity, Attachment, Tag, Follower, Notification):
        session.execute(delete(model).where(model.entity == entity, model.record_id.in_(ids)))
    return files
