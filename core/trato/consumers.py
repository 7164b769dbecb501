"""Whether a job consumer (`trato worker`, or the one `trato run` starts) is alive, seen from any process.

A consumer writes a heartbeat into the queue's own storage (Huey's key-value
store: the SQLite jobs file, Redis or the PostgreSQL queue tables), so every
web process on every node reads the same one without a table of ours. When
jobs have waited longer than `MISSING_AFTER` and no heartbeat is that recent,
pages say that no worker runs instead of letting jobs wait in silence.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import datetime, timedelta

from huey import Huey
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Job, utcnow

log = logging.getLogger("trato.consumers")
HEARTBEAT_KEY = "trato:consumer-heartbeat"
BEAT_EVERY = timedelta(seconds=20)
MISSING_AFTER = timedelta(minutes=3)
PARENT_ENV = "TRATO_WORKER_PARENT"  # set by `trato run` for the worker it starts: stop when that process is gone


def beat(huey: Huey, now: datetime | None = None) -> None:
    """Say that a consumer is alive now."""
    huey.put(HEARTBEAT_KEY, (now or utcnow()).isoformat())


def last_seen(huey: Huey) -> datetime | None:
    """When a consumer last said it was alive; None if never."""
    seen = huey.get(HEARTBEAT_KEY, peek=True)
    return datetime.fromisoformat(seen) if seen else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def missing(session: Session, huey: Huey, now: datetime | None = None) -> bool:
    """Whether jobs have waited longer than `MISSING_AFTER` with no consumer seen in that time.

    A queue that cannot be read counts as no consumer: nothing can take the
    jobs from it either.
    """
    if huey.immediate:
        return False
    now = now or utcnow()
    cutoff = now - MISSING_AFTER
    waiting = session.scalar(select(Job.id).where(Job.status == "queued", Job.created_at < cutoff).limit(1))
    if waiting is None:
        return False
    try:
        seen = last_seen(huey)
    except Exception:  # any backend's connection error
        log.warning("the job queue cannot be read", exc_info=True)
        return True
    return seen is None or _aware(seen) < cutoff


class ConsumerBeat:
    """While a consumer runs, write its heartbeat every `BEAT_EVERY` from a thread of its own.

    With `parent` (the process id of the `trato run` that started this
    worker), the worker also stops itself (SIGINT: a graceful stop) once that
    process is gone, even killed with SIGKILL, so no worker outlives its server.
    """

    def __init__(self, huey: Huey, parent: int | None = None) -> None:
        self.huey = huey
        self.parent = parent
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="consumer heartbeat", daemon=True)

    def _run(self) -> None:
        every = BEAT_EVERY.total_seconds()
        since_beat = every
        while True:
            if since_beat >= every:
                try:
                    beat(self.huey)
                except Exception:  # a missed beat is not the worker's failure
                    log.warning("consumer heartbeat not written", exc_info=True)
                since_beat = 0.0
            if self.parent is not None and os.getppid() != self.parent:
                log.warning("the server that started this worker is gone: stopping")
                os.kill(os.getpid(), signal.SIGINT)
                return
            if self._stop.wait(1.0):
                return
            since_beat += 1.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def parent_from_env() -> int | None:
    """The server process this worker belongs to, when `trato run` started it."""
    value = os.environ.get(PARENT_ENV, "")
    return int(value) if value.isdigit() else None
