"""`Idempotency-Key` on POST: a retried create gets the first response back instead of a second record.

A key belongs to the user who sent it. The first request claims it (a row
committed before the record is made, so a concurrent retry sees it and gets
409), then stores its response. The same key with the same request replays
that response; with another request it is refused (422), since a client
that reuses a key for something else has a bug. A request that fails frees
its key, since it changed nothing. Keys expire after a day.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Response, g, request
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .. import db
from ..db import Base
from ..fields.sqltypes import UTCDateTime
from ..i18n import _
from ..models import utcnow
from .http import fingerprint_body
from .problems import Problem

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(days=1)
MAX_KEY = 255
REPLAYED_HEADERS = ("Location", "ETag")


class IdempotencyKey(Base):
    __tablename__ = "core_idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)  # None while the first request runs
    body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def _header_problem(status: int, title: str, detail: str, kind: str, message: str) -> Problem:
    return Problem(status, title, detail, kind, {HEADER: [message]})


def _row(session: Session, user_id: int, key: str) -> IdempotencyKey | None:
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))


def _claim(user_id: int, key: str, request_hash: str) -> Response | None:
    """The stored response to replay, or None once this request holds the key.

    Runs in the request's session and commits before the record is made: on
    SQLite a second connection committing in between would leave the
    request's snapshot stale and its write refused.
    """
    session = db.session()
    now = utcnow()
    try:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
        row = _row(session, user_id, key)
        if row is None:
            session.add(IdempotencyKey(user_id=user_id, key=key, request_hash=request_hash, created_at=now,
                                       expires_at=now + KEPT_FOR))
            session.commit()
            return None
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _in_progress() from None
    if row.request_hash != request_hash:
        raise _header_problem(422, _("Idempotency key reused"),
                              _("This Idempotency-Key was used for a different request; "
                                "use a new key for a new request."),
                              "idempotency-key-reused", _("Already used for a different request."))
    if row.status is None:
        raise _in_progress()
    response = Response(row.body, row.status, mimetype="application/json")
    response.headers.update(row.headers or {})
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _in_progress() -> Problem:
    return _header_problem(409, _("Request in progress"),
                           _("A request with this Idempotency-Key is still being processed; retry shortly."),
                           "idempotency-key-in-use", _("A request with this key is in progress."))


def _finish(user_id: int, key: str, response: Response | None) -> None:
    """Store the response under the key, or (None) free the key."""
    session = db.session()
    session.rollback()
    row = _row(session, user_id, key)
    if row is not None and response is None:
        session.delete(row)
    elif row is not None and response is not None:
        row.status = response.status_code
        row.body = response.get_data(as_text=True)
        row.headers = {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}
    session.commit()


def once(user_id: int, key: str, request_fingerprint: str, make: Callable[[], Response]) -> Response:
    """`make()`'s response, made at most once per user and key (and replayed after that)."""
    if not 1 <= len(key) <= MAX_KEY or not key.isprintable():
        raise _header_problem(400, _("Bad idempotency key"),
                              _("An Idempotency-Key is 1 to %(max)s printable characters.", max=MAX_KEY),
                              "bad-idempotency-key", _("Use 1 to %(max)s printable characters.", max=MAX_KEY))
    request_hash = hashlib.sha256(request_fingerprint.encode()).hexdigest()
    replay = _claim(user_id, key, request_hash)
    if replay is not None:
        return replay
    try:
        response = make()
    except BaseException:
        _finish(user_id, key, None)
        raise
    _finish(user_id, key, response)
    return response



def for_request(body: Any, make: Callable[[], Response]) -> Response:
    """`make()`'s response, made once per `Idempotency-Key` when the request sends one."""
    key = request.headers.get(HEADER)
    if key is None:
        return make()
    return once(g.api_user.id, key, f"{request.method} {request.path}\n{fingerprint_body(body)}", make)
