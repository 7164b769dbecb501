"""`/health`, `/ready` and `/metrics`, answered before anything else runs.

A WSGI layer in front of the app, so that neither probe signs anyone in,
counts against a rate limit, or catches up with the database first (which
`/health` must not touch at all: a process that is up but whose database is
down is alive, only not ready). `/ready` answers 200 when the database
answers, the job queue can be read and no migration is pending, else 503 as
`application/problem+json` naming each check that failed. `/metrics` is
metrics.py's, readable by whom `metrics.allowed` says.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from . import metrics, migrate

log = logging.getLogger("trato.health")
PROBLEM = "application/problem+json"


def _database(app: Flask) -> str | None:
    state = app.extensions["trato"]
    with state.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return None


def _queue(app: Flask) -> str | None:
    huey = app.extensions["trato"].huey
    if not huey.immediate:
        huey.storage.enqueued_items(1)
    return None


def _migrations(app: Flask) -> str | None:
    state = app.extensions["trato"]
    if not migrate.is_initialised(state.engine):
        return "the database is not set up: run `trato init`"
    with app.app_context():
        state.refresh()
        with state.engine.connect() as conn:
            steps = migrate.pending(conn, state.plugins.records, state.plugins.enabled_in_order())
    return f"{len(steps)} migration(s) pending: run `trato db upgrade`" if steps else None


CHECKS: dict[str, Callable[[Flask], str | None]] = {"database": _database, "queue": _queue,
                                                    "migrations": _migrations}


def readiness(app: Flask) -> dict[str, str]:
    """{check: what is wrong} for every check that failed; empty when ready. Migrations need the database."""
    failed: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and "database" in failed:
            failed[name] = "not checked: the database does not answer"
            continue
        try:
            problem = check(app)
        except Exception as exc:  # noqa: BLE001  (any driver's or backend's error is an answer here)
            problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if problem:
            failed[name] = problem
    return failed


class Probes:
    """WSGI middleware answering `/health` and `/ready` itself and passing everything else on."""

    def __init__(self, app: Flask, inner: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.inner = inner

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        environ[metrics.STARTED] = time.perf_counter()
        if path == "/metrics":
            if not metrics.allowed(environ, self.app.extensions["trato"].settings.metrics_token):
                return _answer(start_response, "403 Forbidden", PROBLEM, {
                    "type": "urn:trato:problem:forbidden", "title": "Forbidden", "status": 403,
                    "detail": "metrics are for this machine, or for a request bearing metrics_token"})
            body, kind = metrics.exposition(self.app)
            start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body))),
                                      ("Cache-Control", "no-store")])
            return [body]
        if path == "/health":
            return _answer(start_response, "200 OK", "application/json", {"status": "up"})
        if path == "/ready":
            failed = readiness(self.app)
            if not failed:
                return _answer(start_response, "200 OK", "application/json",
                               {"status": "ready", "checks": {name: "ok" for name in CHECKS}})
            log.warning("not ready: %s", failed)
            return _answer(start_response, "503 Service Unavailable", PROBLEM, {
                "type": "urn:trato:problem:not-ready", "title": "Not ready", "status": 503,
                "detail": "; ".join(f"{name}: {why}" for name, why in failed.items()),
                "checks": {name: failed.get(name, "ok") for name in CHECKS},
            })
        return self.inner(environ, start_response)


def _answer(start_response: Callable[..., Any], status: str, kind: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(data))),
                            ("Cache-Control", "no-store")])
    return [data]
