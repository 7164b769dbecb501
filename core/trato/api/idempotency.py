"""`Idempotency-Key` on POST: a retried create gets the first response back instead of a second record.

A key belongs to the user who sent it. The first request claims it: a row
committed before the work starts, holding a random claim token and a lease,
so that a concurrent duplicate sees it and gets 409 (with `Retry-After`)
while the first is in flight. The work and the stored response then commit
in ONE transaction, and only while the row still holds that request's claim:
either the record and the answer that names it are both kept, or neither is.
A retry therefore finds the stored answer (replayed) or a free key (a clean
new attempt), never a record without its answer.

A request that fails frees its key, since it changed nothing. When even that
is impossible (the process died, the database went away), the lease runs out
and the next retry takes the key over; should the first request still reach
its commit after that, the claim is no longer its own and it writes nothing.

The same key with the same request replays the answer; with another request
it is refused (422), since a client that reuses a key for something else has
a bug. Keys expire after a day.
"""
from __future__ import annotations

import hashlib
import logging
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Response, g, request
from sqlalchemy import RowMapping, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from .. import db
from ..i18n import _
from ..idempotency import MAX_KEY, IdempotencyKey
from ..models import utcnow
from ..records.work import transaction
from .http import fingerprint_body
from .problems import Problem

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(days=1)
# How long a claim keeps a duplicate waiting. A request normally frees or completes its claim at once; the
# lease only matters when it could not (its process died, the database was gone), and bounds the 409s then.
LEASE = timedelta(seconds=30)
REPLAYED_HEADERS = ("Location", "ETag")

log = logging.getLogger("trato.api")


@dataclass(frozen=True)
class Claim:
    """A key held by this request: its row and the token that proves it."""

    id: int
    token: str


def _header_problem(status: int, title: str, detail: str, kind: str, message: str,
                    headers: dict[str, str] | None = None) -> Problem:
    return Problem(status, title, detail, kind, {HEADER: [message]}, headers)


def _row(session: Session, user_id: int, key: str) -> RowMapping | None:
    table = IdempotencyKey.__table__
    return session.execute(select(table).where(table.c.user_id == user_id, table.c.key == key)).mappings().first()


def _in_progress(lease_until: datetime | None, now: datetime) -> Problem:
    wait = max(1, math.ceil((lease_until - now).total_seconds())) if lease_until else 1
    return _header_problem(409, _("Request in progress"),
                           _("A request with this Idempotency-Key is still being processed; retry shortly."),
                           "idempotency-key-in-use", _("A request with this key is in progress."),
                           {"Retry-After": str(wait)})


def _replay(row: RowMapping) -> Response:
    response = Response(row["body"], row["status"], mimetype="application/json")
    response.headers.update(row["headers"] or {})
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim(user_id: int, key: str, request_hash: str) -> Response | Claim:
    """The stored response to replay, or the claim this request now holds (committed at once).

    Runs in the request's session and commits before the work starts: on
    SQLite a second connection committing in between would leave the
    request's snapshot stale and its write refused.
    """
    session = db.session()
    table = IdempotencyKey.__table__
    now = utcnow()
    token = secrets.token_hex(16)
    try:
        session.execute(delete(table).where(table.c.expires_at <= now))
        row = _row(session, user_id, key)
        if row is None:
            made = session.execute(insert(table).values(
                user_id=user_id, key=key, request_hash=request_hash, claim=token, lease_until=now + LEASE,
                created_at=now, expires_at=now + KEPT_FOR))
            session.commit()
            return Claim(made.inserted_primary_key[0], token)
    except IntegrityError:  # a concurrent request claimed it first
        session.rollback()
        row = _row(session, user_id, key)
        session.commit()
        if row is None:  # and has freed it already
            raise _in_progress(None, now) from None
    if row["request_hash"] != request_hash:
        session.commit()
        raise _header_problem(422, _("Idempotency key reused"),
                              _("This Idempotency-Key was used for a different request; "
                                "use a new key for a new request."),
                              "idempotency-key-reused", _("Already used for a different request."))
    if row["status"] is not None:
        session.commit()
        return _replay(row)
    if row["lease_until"] is not None and row["lease_until"] > now:
        session.commit()
        raise _in_progress(row["lease_until"], now)
    # The request that held the key ended without its answer and could not free it: take the key over.
    taken = session.execute(update(table).where(
        table.c.id == row["id"], table.c.status.is_(None),
        table.c.claim.is_(None) if row["claim"] is None else table.c.claim == row["claim"],
    ).values(claim=token, lease_until=now + LEASE)).rowcount
    session.commit()
    if taken != 1:  # another retry took it over at the same moment
        raise _in_progress(now + LEASE, now)
    return Claim(row["id"], token)


def _store(session: Session, claim: Claim, response: Response) -> None:
    """Store the response under the key, in the transaction of the work it describes.

    Refused (409, and the whole transaction with it) when the key is no
    longer this request's: the lease ran out and a retry took it over.
    """
    table = IdempotencyKey.__table__
    stored = session.execute(update(table).where(
        table.c.id == claim.id, table.c.claim == claim.token, table.c.status.is_(None),
    ).values(status=response.status_code, body=response.get_data(as_text=True), claim=None, lease_until=None,
             headers={name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}))
    if stored.rowcount != 1:
        raise _header_problem(409, _("Request taken over"),
                              _("This request took so long that a retry with the same Idempotency-Key took "
                                "over; nothing was written by this one. Retry to get the answer."),
                              "idempotency-key-taken-over", _("A retry with this key took over."),
                              {"Retry-After": "1"})


def _release(claim: Claim) -> None:
    """Free the key after a failed attempt, which wrote nothing; if the database cannot be reached, the lease
    frees it instead."""
    session = db.session()
    table = IdempotencyKey.__table__
    try:
        session.rollback()
        session.execute(delete(table).where(table.c.id == claim.id, table.c.claim == claim.token,
                                            table.c.status.is_(None)))
        session.commit()
    except SQLAlchemyError as exc:
        log.warning("could not free an idempotency key after a failed request (the lease frees it): %s", exc)
        db.close_session()  # in whatever state the failure left it; the request opens a new one if it needs one


def once(user_id: int, key: str, request_fingerprint: str, make: Callable[[], Response]) -> Response:
    """`make()`'s response, made at most once per user and key (and replayed after that).

    `make` must write through the record service: its work then commits
    together with the stored response.
    """
    if not 1 <= len(key) <= MAX_KEY or not key.isprintable():
        raise _header_problem(400, _("Bad idempotency key"),
                              _("An Idempotency-Key is 1 to %(max)s printable characters.", max=MAX_KEY),
                              "bad-idempotency-key", _("Use 1 to %(max)s printable characters.", max=MAX_KEY))
    request_hash = hashlib.sha256(request_fingerprint.encode()).hexdigest()
    claim = _claim(user_id, key, request_hash)
    if isinstance(claim, Response):
        return claim
    try:
        with transaction() as session:
            response = make()
            _store(session, claim, response)
    except BaseException:
        _release(claim)
        raise
    return response


def for_request(body: Any, make: Callable[[], Response]) -> Response:
    """`make()`'s response, made once per `Idempotency-Key` when the request sends one."""
    key = request.headers.get(HEADER)
    if key is None:
        return make()
    return once(g.api_user.id, key, f"{request.method} {request.path}\n{fingerprint_body(body)}", make)
