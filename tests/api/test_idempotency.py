"""Idempotency-Key after failures: a retry gets the stored answer or makes the record afresh, never a stuck 409
and never a second record."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from flask import Flask, Response, g
from sqlalchemy import event, insert, select, update
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from trato import db, records
from trato.api import idempotency
from trato.api.problems import Problem
from trato.idempotency import IdempotencyKey
from trato.models import utcnow

KEY = {"Idempotency-Key": "order-2026-0042"}


def _fault(app: Flask) -> OperationalError:
    """The error the database's driver raises when it loses the connection or the lock at a commit."""
    if app.extensions["trato"].engine.dialect.name == "sqlite":
        orig: Exception = sqlite3.OperationalError("database is locked")
        orig.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
    else:
        orig = psycopg.OperationalError("server closed the connection unexpectedly")
    return OperationalError("COMMIT", {}, orig)


@contextmanager
def failing_commit(app: Flask, *, kept: bool) -> Iterator[list[bool]]:
    """The next commit that stores an answer under a key fails once: before it reaches the database (`kept`
    False: nothing of it is kept) or once the database has committed (`kept`: all is kept, but the connection
    is lost before the client hears of it). Yields a list that holds True once the failure happened."""
    engine = app.extensions["trato"].engine
    storing: dict[str, bool] = {}
    failed: list[bool] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("UPDATE core_idempotency_key") and "status" in statement:
            storing["now"] = True

    def commit(conn: Any) -> None:
        if storing.pop("now", False) and not failed:
            failed.append(True)
            if kept:
                conn.connection.dbapi_connection.commit()
            raise _fault(app)

    event.listen(engine, "before_cursor_execute", watch)
    event.listen(engine, "commit", commit)
    try:
        yield failed
    finally:
        event.remove(engine, "before_cursor_execute", watch)
        event.remove(engine, "commit", commit)


def _count(app: Flask) -> int:
    with app.app_context():
        return records.query("trade_account", user=None).count().value


def _keys(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["trato"].sessionmaker() as session:
        return [dict(row) for row in session.execute(select(IdempotencyKey.__table__)).mappings()]


def test_a_failed_commit_of_the_answer_keeps_no_record_and_the_retry_makes_it(api, trade_app):
    with failing_commit(trade_app, kept=False) as failed:
        lost = api.post("trade_account", json={"name": "Acme"}, headers=KEY)
    assert failed and lost.status_code == 503 and lost.content_type == "application/problem+json"
    assert _count(trade_app) == 0 and _keys(trade_app) == []  # neither the record nor its answer; the key is free

    retried = api.post("trade_account", json={"name": "Acme"}, headers=KEY)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    assert api.post("trade_account", json={"name": "Acme"}, headers=KEY).json == retried.json
    assert _count(trade_app) == 1


def test_an_answer_lost_after_its_commit_is_replayed(api, trade_app):
    with failing_commit(trade_app, kept=True) as failed:
        lost = api.post("trade_account", json={"name": "Acme"}, headers=KEY)
    assert failed and lost.status_code == 503
    assert _count(trade_app) == 1  # the record and its answer were committed together

    retried = api.post("trade_account", json={"name": "Acme"}, headers=KEY)
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
    with trade_app.app_context():
        made = records.query("trade_account", user=None).page().items
    assert retried.json["id"] == made[0].id and retried.headers["Location"].endswith(f"/trade_account/{made[0].id}")
    assert _count(trade_app) == 1


def _claimed(app: Flask, user_id: int, request_hash: str, lease_until: Any, claim: str | None) -> None:
    """A key as a request that died in flight leaves it: claimed, no answer."""
    now = utcnow()
    with app.extensions["trato"].sessionmaker() as session:
        session.execute(insert(IdempotencyKey).values(
            user_id=user_id, key=KEY["Idempotency-Key"], request_hash=request_hash, claim=claim,
            lease_until=lease_until, created_at=now, expires_at=now + idempotency.KEPT_FOR))
        session.commit()


def _hash_of(body: dict[str, Any]) -> str:
    fingerprint = f"POST /api/v1/trade_account\n{json.dumps(body, sort_keys=True, separators=(',', ':'))}"
    return hashlib.sha256(fingerprint.encode()).hexdigest()


def test_a_key_whose_request_died_is_in_progress_only_until_its_lease_ends(api, trade_app, ana):
    body = {"name": "Acme"}
    _claimed(trade_app, ana.id, _hash_of(body), utcnow() + timedelta(seconds=20), "a-dead-request")
    waiting = api.post("trade_account", json=body, headers=KEY)
    assert waiting.status_code == 409 and waiting.json["type"].endswith("idempotency-key-in-use")
    assert 1 <= int(waiting.headers["Retry-After"]) <= 20
    assert _count(trade_app) == 0

    with trade_app.extensions["trato"].sessionmaker() as session:  # the lease runs out
        session.execute(update(IdempotencyKey).values(lease_until=utcnow() - timedelta(seconds=1)))
        session.commit()
    taken = api.post("trade_account", json=body, headers=KEY)
    assert taken.status_code == 201 and "Idempotent-Replayed" not in taken.headers
    assert api.post("trade_account", json=body, headers=KEY).headers["Idempotent-Replayed"] == "true"
    assert _count(trade_app) == 1


def test_a_key_stuck_before_leases_existed_is_taken_over_at_once(api, trade_app, ana):
    body = {"name": "Acme"}
    _claimed(trade_app, ana.id, _hash_of(body), None, None)
    assert api.post("trade_account", json=body, headers=KEY).status_code == 201
    assert _count(trade_app) == 1


def test_a_request_whose_key_was_taken_over_writes_nothing(trade_app, ana):
    def make_then_lose_the_key() -> Any:
        records.create("trade_account", {"name": "Acme"}, user=ana)
        # meanwhile the lease ran out and a retry took the key over (as seen from this transaction)
        db.session().execute(update(IdempotencyKey).values(claim="the-retry"))
        return Response("{}", 201)

    with trade_app.test_request_context("/api/v1/trade_account", method="POST"):
        g.api_user = ana
        with pytest.raises(Problem) as refused:
            idempotency.once(ana.id, "k-1", "POST body", make_then_lose_the_key)
    assert refused.value.status == 409 and refused.value.kind == "idempotency-key-taken-over"
    assert _count(trade_app) == 0  # the record went with the refused answer


@pytest.fixture
def served(trade_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, trade_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()
    thread.join()


def _post(url: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
    sent = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", **KEY})
    try:
        with urllib.request.urlopen(sent, timeout=60) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), json.loads(refused.read())


def test_concurrent_retries_through_a_failure_make_exactly_one_record(served, api, trade_app):
    """Eight clients send the same create at once and retry as the API tells them (409 and 503 with
    Retry-After) until it is answered; the first commit of an answer fails on the way."""
    url, body = f"{served}/api/v1/trade_account", {"name": "Acme", "city": "Bilbao"}
    start, answers = threading.Barrier(8), []

    def client() -> None:
        start.wait()
        for _attempt in range(200):
            status, headers, sent = _post(url, api.token, body)
            if status not in (409, 503):
                answers.append((status, headers.get("Idempotent-Replayed"), sent))
                return
            time.sleep(min(float(headers.get("Retry-After", 1)), 0.05))  # pacing only; nothing is timed

    with failing_commit(trade_app, kept=False) as failed:
        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failed and len(answers) == 8
    assert {status for status, _replayed, _body in answers} == {201}
    assert len({sent["id"] for _status, _replayed, sent in answers}) == 1
    assert sum(replayed is None for _status, replayed, _body in answers) == 1  # made once, replayed seven times
    assert _count(trade_app) == 1
