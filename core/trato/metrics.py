"""Prometheus metrics at `/metrics`: requests by route template and status, the job queue, the database pool.

Request metrics are counted as requests end; the job queue and the pool are
read when Prometheus scrapes, so they cost nothing between scrapes. Each app
has a registry of its own (several apps in one process, as in the tests, do
not share counters); under gunicorn each worker process counts its own
requests, and Prometheus sums them by instance.

Who may read them: with `metrics_token` set, a request bearing it
(`Authorization: Bearer ...`); without, only a request from this machine
that no proxy forwarded (nginx adds X-Forwarded-For, so the public cannot
read them through it).
"""
from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Iterator
from datetime import timezone
from typing import Any

from flask import Flask, Response, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from .models import Job, utcnow

log = logging.getLogger("trato.metrics")

STARTED = "trato.started"  # the environ key where the WSGI layer notes when a request began
LOOPBACK = ("127.0.0.1", "::1")


class QueueAndPool(Collector):
    """The job queue's depth and oldest wait, and the database pool's use, read at scrape time."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        state = self.app.extensions["trato"]
        waiting = GaugeMetricFamily("trato_jobs_waiting", "Jobs queued and not started yet")
        oldest = GaugeMetricFamily("trato_jobs_oldest_waiting_seconds", "Age of the oldest job not started yet")
        try:
            with state.sessionmaker() as s:
                count, first = s.execute(select(func.count(Job.id), func.min(Job.created_at))
                                         .where(Job.status == "queued")).one()
        except Exception:  # no database: /ready says so; the other metrics still matter
            count, first = None, None
        if count is not None:
            waiting.add_metric([], count)
            age = 0.0
            if first is not None:
                first = first if first.tzinfo else first.replace(tzinfo=timezone.utc)
                age = max((utcnow() - first).total_seconds(), 0.0)
            oldest.add_metric([], age)
        yield waiting
        yield oldest
        queued = GaugeMetricFamily("trato_job_queue_depth", "Messages in the job queue's storage")
        if not state.huey.immediate:
            try:
                queued.add_metric([], state.huey.pending_count())
            except Exception:  # any backend's connection error: /ready names it
                log.warning("job queue not readable for the metrics", exc_info=True)
        yield queued
        pool = state.engine.pool
        connections = GaugeMetricFamily("trato_db_pool_connections", "Database connections held by this process",
                                        labels=["state"])
        for name, reader in (("in_use", "checkedout"), ("idle", "checkedin")):
            if hasattr(pool, reader):
                connections.add_metric([name], getattr(pool, reader)())
        yield connections
        size = GaugeMetricFamily("trato_db_pool_size", "Connections the pool keeps open at most (without overflow)")
        if hasattr(pool, "size"):
            size.add_metric([], pool.size())
        yield size


class Metrics:
    """One app's registry and request metrics."""

    def __init__(self, app: Flask) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram("trato_http_request_duration_seconds", "Time to answer a request, by route",
                                 ["method", "route"], registry=self.registry)
        self.responses = Counter("trato_http_responses_total", "Responses sent, by route and status",
                                 ["method", "route", "status"], registry=self.registry)
        self.registry.register(QueueAndPool(app))

    def observe(self, response: Response) -> Response:
        """Count a response under its route's template (`/r/<entity>/<int:id>`), never its raw path."""
        started = request.environ.get(STARTED)
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        if started is not None:
            self.latency.labels(request.method, route).observe(time.perf_counter() - started)
        self.responses.labels(request.method, route, str(response.status_code)).inc()
        return response


def allowed(environ: dict[str, Any], token: str) -> bool:
    """Whether this request may read the metrics (see the module's docstring)."""
    if token:
        sent = environ.get("HTTP_AUTHORIZATION", "")
        return sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].encode(), token.encode())
    return environ.get("REMOTE_ADDR") in LOOPBACK and "HTTP_X_FORWARDED_FOR" not in environ


def exposition(app: Flask) -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type."""
    return generate_latest(app.extensions["trato.metrics"].registry), CONTENT_TYPE_LATEST


def init_app(app: Flask) -> None:
    metrics = app.extensions["trato.metrics"] = Metrics(app)
    app.after_request(metrics.observe)
