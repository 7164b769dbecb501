"""Notes on records: rich text kept only after nh3 has removed everything but a small, safe set of tags."""
from __future__ import annotations

from typing import Any

import re

import nh3
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db, records
from ..i18n import _
from ..models import utcnow
from .errors import ActivityError, NotAllowed
from .models import Note
from .targets import may_change

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
MAX_LENGTH = 100_000
HTML_TAG = re.compile(r"<\s*/?\s*(?:%s)\b" % "|".join(sorted(ALLOWED_TAGS)), re.IGNORECASE)


def clean(html: str) -> str:
    """`html` with only the allowed tags; links keep `href` (http, https, mailto) and get rel="noopener"."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener",
                     url_schemes={"http", "https", "mailto"}).strip()


def as_html(text: str) -> str:
    """Typed text as HTML: text with none of the allowed tags becomes paragraphs (blank lines) and line breaks."""
    if HTML_TAG.search(text):
        return text
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{'<br>'.join(str(escape(line)) for line in p.splitlines())}</p>" for p in paragraphs)


def _body(text: str) -> str:
    body = clean(as_html(text or ""))
    if not nh3.clean(body, tags=set()).strip():
        raise ActivityError(_("Write something in the note."), "body")
    if len(body) > MAX_LENGTH:
        raise ActivityError(_("The note is too long."), "body")
    return body


def add(entity: str, record_id: int, text: str, user: Any, session: Session | None = None) -> Note:
    """Add a note to a record the caller has checked the user may view.

    It commits with the caller's `records.atomic()` (at once outside one); given a `session` of its own (demo
    data), it is only added to that session.
    """
    note = Note(entity=entity, record_id=record_id, author_id=getattr(user, "id", None), body=_body(text),
                created_at=utcnow())
    if session is not None:
        session.add(note)
        return note
    with records.atomic() as current:
        current.add(note)
    return note


def find(entity: str, record_id: int, note_id: int) -> Note | None:
    return db.session().scalar(select(Note).where(Note.id == note_id, Note.entity == entity,
                                                  Note.record_id == record_id))


def edit(note: Note, text: str, user: Any) -> Note:
    if not may_change(user, note.author_id):
        raise NotAllowed(_("Only the author or an administrator may change this note."))
    with records.atomic():
        note.body = _body(text)
        note.edited_at = utcnow()
    return note


def delete(note: Note, user: Any) -> None:
    if not may_change(user, note.author_id):
        raise NotAllowed(_("Only the author or an administrator may delete this note."))
    with records.atomic() as session:
        session.delete(note)
