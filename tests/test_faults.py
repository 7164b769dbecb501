"""A database or a disk that fails is a 503 (507 for a full disk) that says so, never a 500.

People get a page in the app's look and their language; API clients get
application/problem+json with `Retry-After` where waiting helps.
"""
from __future__ import annotations

import errno
import io
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from flask import Flask
from markupsafe import escape
from sqlalchemy import event
from sqlalchemy.engine import make_url
from trato_trade import plugin as trade_plugin

from trato import faults, tokens
from trato.models import User
from trato.testing import build_app, signed_in_client

from .support.locks import hold_a_lock, short_waits
from .support.proxy import TcpProxy

SPANISH = {"Accept-Language": "es-ES"}


def _token(app: Flask, user: User) -> dict[str, str]:
    with app.extensions["trato"].sessionmaker() as session:
        text_token = tokens.create(session, session.get(User, user.id), "faults", tokens.WRITE, None)[1]
        session.commit()
    return {"Authorization": f"Bearer {text_token}"}


def _problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.content_type == "application/problem+json"
    assert response.json["type"] == f"urn:trato:problem:{kind}" and response.json["detail"]
    return response.json


def _page(response: Any, status: int, title: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:500]
    assert response.mimetype == "text/html"
    assert f"<h1>{escape(title)}</h1>" in page and "css/trato.css" in page  # the app's look, the user's language
    return page


@pytest.mark.parametrize(("raised", "expected"), [
    (sqlite3.OperationalError("database is locked"), faults.BUSY),
    (sqlite3.OperationalError("database or disk is full"), faults.DISK_FULL),
    (sqlite3.OperationalError("unable to open database file"), faults.UNAVAILABLE),
    (sqlite3.OperationalError("no such table: x"), None),
    (sqlite3.IntegrityError("UNIQUE constraint failed"), None),
    (psycopg.OperationalError("connection refused"), faults.UNAVAILABLE),
    (psycopg.errors.AdminShutdown(), faults.UNAVAILABLE),
    (psycopg.errors.DeadlockDetected(), faults.BUSY),
    (psycopg.errors.LockNotAvailable(), faults.BUSY),
    (psycopg.errors.DiskFull(), faults.DISK_FULL),
    (psycopg.errors.UndefinedTable(), None),
    (psycopg.errors.UniqueViolation(), None),
    (redis.exceptions.ConnectionError("Connection refused"), faults.REDIS_UNAVAILABLE),
    (redis.exceptions.TimeoutError("Timeout reading from socket"), faults.REDIS_UNAVAILABLE),
    (redis.exceptions.BusyLoadingError("Redis is loading the dataset in memory"), faults.REDIS_UNAVAILABLE),
    (redis.exceptions.ResponseError("WRONGTYPE"), None),
    (OSError(errno.ENOSPC, "No space left on device"), faults.DISK_FULL),
    (OSError(errno.ENOENT, "No such file or directory"), None),
    (ValueError("a bug"), None),
])
def test_faults_are_told_apart_from_bugs(raised, expected):
    codes = {"database is locked": 5, "database or disk is full": 13, "unable to open database file": 14,
             "no such table: x": 1, "UNIQUE constraint failed": 2067}
    if isinstance(raised, sqlite3.Error):
        raised.sqlite_errorcode = codes[str(raised)]  # as SQLite sets it
    assert faults.classify(raised) is expected


@pytest.fixture
def proxied(tmp_path: Path, trato_db_url: str) -> Iterator[tuple[Flask, TcpProxy]]:
    """The trade app on PostgreSQL reached through a proxy that the test can cut."""
    if not trato_db_url.startswith("postgresql"):
        pytest.skip("the database server is taken away only on PostgreSQL")
    url = make_url(trato_db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    app = build_app(tmp_path / "instance", url.set(host="127.0.0.1", port=proxy.port)
                    .render_as_string(hide_password=False), ["trade"], {"trade": trade_plugin})
    yield app, proxy
    proxy.cut()
    app.extensions["trato"].engine.dispose()


def test_a_database_outage_is_503_for_people_and_clients_until_it_is_back(proxied, make_user):
    app, proxy = proxied
    user = make_user(admin=True, app=app, locale="es")
    api, browser = _token(app, user), signed_in_client(app, user)
    assert browser.get("/r/trade_account/").status_code == 200

    proxy.cut()
    body = _problem(app.test_client().get("/api/v1/trade_account", headers=api), 503, "database-unavailable")
    assert body["title"] == "The database is not available"
    answer = app.test_client().post("/api/v1/trade_account", json={"name": "Acme"}, headers=api)
    _problem(answer, 503, "database-unavailable")
    assert int(answer.headers["Retry-After"]) > 0
    page = _page(browser.get("/r/trade_account/", headers=SPANISH), 503, "La base de datos no está disponible")
    assert "Trato" in page and 'lang="es"' in page

    proxy.restore()
    assert app.test_client().get("/api/v1/trade_account", headers=api).status_code == 200
    assert browser.get("/r/trade_account/").status_code == 200


@pytest.fixture
def trade_app(make_app):
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})


def test_a_lock_that_outlasts_the_wait_is_503_with_retry_after(trade_app, make_user):
    user = make_user(admin=True, app=trade_app)
    api, browser = _token(trade_app, user), signed_in_client(trade_app, user)
    short_waits(trade_app)
    held = hold_a_lock(trade_app, "trade_account")
    try:
        answer = trade_app.test_client().post("/api/v1/trade_account", json={"name": "Acme"}, headers=api)
        body = _problem(answer, 503, "database-busy")
        assert body["title"] == "The server is busy" and answer.headers["Retry-After"] == "2"
        form = browser.post("/r/trade_account/new", data={"name": "Acme"})
        _page(form, 503, "The server is busy")
        assert form.headers["Retry-After"] == "2"
    finally:
        held.close()
    assert trade_app.test_client().post("/api/v1/trade_account", json={"name": "Acme"},
                                        headers=api).status_code == 201
    assert trade_app.test_client().get("/api/v1/trade_account", headers=api).json["meta"]["count"] == 1


def test_a_full_database_is_507_saying_so(trade_app, make_user):
    engine = trade_app.extensions["trato"].engine
    if engine.dialect.name != "sqlite":
        pytest.skip("a full disk is simulated with SQLite's page limit")
    user = make_user(admin=True, app=trade_app)
    api, browser = _token(trade_app, user), signed_in_client(trade_app, user)
    engine.dispose()

    @event.listens_for(engine, "connect")
    def _no_growth(dbapi_conn: Any, _record: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    big = {"name": "Big one", "stage": "new", "notes": "x" * 90_000}
    answer = trade_app.test_client().post("/api/v1/trade_deal", json=big, headers=api)
    body = _problem(answer, 507, "disk-full")
    assert body["title"] == "The server's disk is full" and "not saved" in body["detail"]
    assert "Retry-After" not in answer.headers  # waiting does not help: someone must make room
    _page(browser.post("/r/trade_deal/new", data=big, headers=SPANISH), 507, "El disco del servidor está lleno")


def test_no_room_for_an_uploaded_file_is_507(trade_app, make_user, make_record, monkeypatch):
    user = make_user(admin=True, app=trade_app)
    account = make_record("trade_account", owner=user, name="Acme")
    browser = signed_in_client(trade_app, user)
    real_open = Path.open

    def full_disk(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "x" in mode or "w" in mode:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk)
    sent = browser.post(f"/r/trade_account/{account.id}/files",
                        data={"file": (io.BytesIO(b"%PDF-1.4 contract"), "contract.pdf")},
                        content_type="multipart/form-data")
    _page(sent, 507, "The server's disk is full")
    monkeypatch.undo()
    assert browser.get(f"/r/trade_account/{account.id}").status_code == 200


def _closed_port() -> int:
    """A local port nothing listens on: bound, read, and let go."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_redis_down_is_503_with_retry_after_for_people_and_clients(make_app, make_user):
    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin},
                   redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    user = make_user(admin=True, app=app, email="ana@example.com")
    api = _token(app, user)  # written straight to the database: no counter is touched

    answer = app.test_client().get("/api/v1/trade_account", headers=api)  # the API's rate limit counts in Redis
    body = _problem(answer, 503, "service-unavailable")
    assert body["title"] == "A service the server needs is not available"
    assert answer.headers["Retry-After"] == "10"

    sign_in = app.test_client().post("/login", data={"email": "ana@example.com", "password": "wrong"},
                                     headers=SPANISH)  # a failed sign-in counts towards the lockout in Redis
    _page(sign_in, 503, "Un servicio que el servidor necesita no está disponible")
    assert sign_in.headers["Retry-After"] == "10"
