"""Background jobs on Huey, with status and progress kept in `core_job`.

Storage follows the database: SQLite file in the instance folder by default,
Redis when `TRATO_REDIS_URL` is set, PostgreSQL tables when the database is
PostgreSQL (so production needs no Redis). Tasks are registered per plugin
through the `register_tasks` hook; a task's name is `<plugin>.<name>`.

A running job writes a heartbeat every `HEARTBEAT` from a thread of its own.
A process that is killed stops writing it, so a job that says "running"
with a heartbeat older than the `job_stale_seconds` setting (a dozen
heartbeats missed: not a slow moment, a dead process) died: pages show it as
interrupted at once (`state`), and the periodic `mark_interrupted` (run when
a worker starts, then every minute) records it. A task registered with
`retry=True` (one that is safe to run again: an import goes on from its last
committed batch, an export writes its file anew) is queued again instead,
up to `MAX_ATTEMPTS` runs in all.

Several workers may serve one queue. Each worker's scheduler fires every
periodic task; a claim row per task and minute (`core_periodic_claim`) lets
the first run it and the others skip it, so a periodic task runs once.
"""
from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import db
from .errors import TratoError
from .logs import JOB_REQUEST_ID, current_request_id
from .models import Job, PeriodicClaim, utcnow

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger("trato.jobs")
QUEUE_NAME = "trato"
HEARTBEAT = timedelta(seconds=5)
ACTIVE = ("queued", "running")
INTERRUPTED = "interrupted"
MAX_ATTEMPTS = 3  # runs of a retried job in all: a job that kills its worker every time stops being queued again
RETRY = "trato_retry_when_dead"  # the attribute of a task's wrapper that says it may be queued again
CLAIMS_KEPT = timedelta(days=1)
__all__ = ["JobContext", "TaskRegistry", "crontab", "is_active", "make_huey", "mark_interrupted", "recover",
           "run_here", "state", "submit"]


def make_huey(settings: Settings, database_url: str) -> Huey:
    """The queue for this install, chosen from the settings."""
    if settings.jobs_immediate:
        return Huey(QUEUE_NAME, immediate=True)
    if settings.redis_url:
        return RedisHuey(QUEUE_NAME, url=settings.redis_url)
    if database_url.startswith("postgresql"):
        dsn = database_url.split("://", 1)[1]
        # No connection while the app is built: the tables are made by prepare_queue().
        return PostgresHuey(QUEUE_NAME, dsn="postgresql://" + dsn, table_prefix="core_jobq", create_tables=False)
    return SqliteHuey(QUEUE_NAME, filename=str(settings.huey_path))


def prepare_queue(huey: Huey) -> None:
    """Create the queue's tables where the storage keeps them in our database.

    Called by `trato init`, `trato db upgrade` and `trato worker`; creating
    them is idempotent.
    """
    if isinstance(huey, PostgresHuey):
        huey.storage.initialize_schema()


class JobContext:
    """Handed to a task: its job id, a database session, and a progress reporter."""

    def __init__(self, app: Flask, job_id: str | None) -> None:
        self.app = app
        self.job_id = job_id

    @property
    def session(self) -> Session:
        return db.session()

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Record progress in its own short transaction, so the UI sees it at once."""
        if not self.job_id:
            return
        values: dict[str, Any] = {"progress": done}
        if total is not None:
            values["total"] = total
        if message is not None:
            values["message"] = message
        _update_job(self.app, self.job_id, **values)


def _known(app: Flask, job_id: str) -> bool:
    """Whether the job's row is in this app's database (a server records it before queueing the job)."""
    with app.extensions["trato"].sessionmaker() as s:
        return s.get(Job, job_id) is not None


def _update_job(app: Flask, job_id: str, **values: Any) -> None:
    with db.reading(False), app.extensions["trato"].sessionmaker() as s, s.begin():  # a writer, even in a reader
        s.execute(update(Job).where(Job.id == job_id).values(**values))


class Heartbeat:
    """While the `with` block runs, write the job's heartbeat every `HEARTBEAT` from a thread of its own.

    A thread, not the task's own progress calls, so that a job is seen alive
    through a long step too; a failed write (the database busy for a moment)
    is logged and the next one tried.
    """

    def __init__(self, app: Flask, job_id: str) -> None:
        self.app = app
        self.job_id = job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat {job_id}", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT.total_seconds()):
            try:
                with self.app.extensions["trato"].sessionmaker() as s, s.begin():
                    s.execute(update(Job).where(Job.id == self.job_id, Job.status == "running")
                              .values(heartbeat_at=utcnow()))
            except Exception:  # noqa: BLE001  (the job goes on; a missed beat is not its failure)
                log.warning("job %s: heartbeat not written", self.job_id, exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back UTC times without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def stale_after() -> timedelta:
    """How long a running job's heartbeat may be silent before the job counts as dead (`job_stale_seconds`)."""
    return timedelta(seconds=current_app.extensions["trato"].settings.job_stale_seconds)


def state(job: Job, now: datetime | None = None) -> str:
    """The job's status as it really is: "interrupted" for a running job whose heartbeat stopped."""
    if job.status != "running":
        return job.status
    beat = job.heartbeat_at or job.created_at
    return INTERRUPTED if _aware(beat) < (now or utcnow()) - stale_after() else job.status


def is_active(job: Job | None) -> bool:
    """Whether `job` is waiting or really running (not finished, failed or interrupted)."""
    return job is not None and state(job) in ACTIVE


def _stale(now: datetime | None) -> Any:
    cutoff = (now or utcnow()) - stale_after()
    return (Job.status == "running") & (func.coalesce(Job.heartbeat_at, Job.created_at) < cutoff)


def mark_interrupted(session: Session, now: datetime | None = None,
                     catalog: dict[str, Any] | None = None) -> list[Callable[[], Any]]:
    """Record as interrupted every running job whose heartbeat stopped, or queue it again if its task allows.

    Each job is changed by a statement that still requires it to be stale,
    so when two workers look at once only one of them queues it. Returns what
    queues the jobs again: call each once `session` has committed.
    """
    again: list[Callable[[], Any]] = []
    for job in session.scalars(select(Job).where(_stale(now))).all():
        wrapper = (catalog or {}).get(job.task or "")
        retry = (getattr(wrapper, RETRY, False) and isinstance(job.arguments, dict)
                 and job.attempts < MAX_ATTEMPTS)
        values: dict[str, Any] = (
            {"status": "queued", "attempts": job.attempts + 1, "heartbeat_at": None,
             "message": f"queued again (run {job.attempts + 1}): the process running it stopped"}
            if retry else {"status": INTERRUPTED, "finished_at": utcnow()})
        changed = session.execute(update(Job).where(Job.id == job.id, _stale(now)).values(**values))
        if changed.rowcount and retry:  # type: ignore[attr-defined]
            again.append(lambda w=wrapper, j=job.id, a=dict(job.arguments): w(job_id=j, **a))
    return again


def recover(app: Flask) -> int:
    """Find the jobs whose worker died: queue again those that may run again, record the rest as interrupted;
    how many were queued again. A worker does this when it starts, then every minute."""
    with app.app_context(), db.reading(False), app.extensions["trato"].sessionmaker() as s:
        again = mark_interrupted(s, catalog=app.extensions["trato"].tasks)
        s.commit()
    for queue in again:
        queue()
    return len(again)


def _claim(app: Flask, task: str, tick: datetime) -> bool:
    """Whether this worker is the first to run `task` at `tick` (then it holds the claim)."""
    try:
        with db.reading(False), app.extensions["trato"].sessionmaker() as s, s.begin():
            s.execute(insert(PeriodicClaim).values(task=task, tick=tick))
    except IntegrityError:
        return False
    return True


def prune_claims(session: Session, now: datetime | None = None) -> int:
    """Forget the claims of periodic runs older than a day; how many."""
    result = session.execute(delete(PeriodicClaim).where(PeriodicClaim.tick < (now or utcnow()) - CLAIMS_KEPT))
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


class TaskRegistry:
    """What a plugin's `register_tasks` receives: bound to that plugin."""

    def __init__(self, app: Flask, huey: Huey, owner: str, catalog: dict[str, Any]) -> None:
        self.app = app
        self.huey = huey
        self.owner = owner
        self.catalog = catalog

    def _runner(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        app, owner = self.app, self.owner

        def run(job_id: str | None = None, request_id: str | None = None, **kwargs: Any) -> Any:
            following = JOB_REQUEST_ID.set(request_id)  # the lines it logs bear the queuing request's id
            try:
                return _run(job_id, **kwargs)
            finally:
                JOB_REQUEST_ID.reset(following)

        def _run(job_id: str | None, **kwargs: Any) -> Any:
            with app.app_context():
                ext = app.extensions["trato"]
                ext.refresh()
                if job_id and not _known(app, job_id):
                    log.error("refusing job %s (%s): it is not in this worker's database; is this worker pointed "
                              "at another database than the server that queued it (TRATO_DATABASE_URL)?",
                              job_id, name)
                    return None
                if owner != "core" and not ext.plugins.is_enabled(owner):
                    log.info("skipping %s: plugin %s is disabled", name, owner)
                    if job_id:
                        _update_job(app, job_id, status="failed", message=f"plugin {owner} is disabled",
                                    finished_at=utcnow())
                    return None
                if job_id:
                    log.info("job %s started: %s", job_id, name)
                try:
                    if job_id:
                        _update_job(app, job_id, status="running", heartbeat_at=utcnow(), finished_at=None)
                        with Heartbeat(app, job_id):
                            result = fn(JobContext(app, job_id), **kwargs)
                    else:
                        result = fn(JobContext(app, job_id), **kwargs)
                except Exception as exc:
                    log.exception("job %s failed", name)
                    if job_id:
                        _update_job(app, job_id, status="failed", message=str(exc)[:2000], finished_at=utcnow())
                    raise
                if job_id:
                    _update_job(app, job_id, status="done", result=result, finished_at=utcnow())
                    log.info("job %s finished: %s", job_id, name)
                return result

        run.__name__ = name.replace(".", "_")
        return run

    def task(self, name: str, fn: Callable[..., Any], *, retry: bool = False, **options: Any) -> Any:
        """Register `fn(ctx, **kwargs)` as task `<plugin>.<name>`.

        `retry=True` says the task may safely run again after its worker died
        mid-way (it goes on from where it got, or redoes what it did without
        doing it twice): such a job is queued again rather than left
        interrupted. Its keyword arguments must then be JSON values.
        """
        full = f"{self.owner}.{name}"
        wrapper = self.catalog[full] = self.huey.task(name=full, **options)(self._runner(full, fn))
        setattr(wrapper, RETRY, retry)
        return wrapper

    def periodic(self, name: str, fn: Callable[..., Any], schedule: Callable[..., bool], **options: Any) -> Any:
        """Run `fn(ctx)` on `schedule` (a huey `crontab`) in `trato worker`: once per tick, however many workers."""
        full, app = f"{self.owner}.{name}", self.app

        def once(ctx: JobContext) -> Any:
            if not _claim(app, full, utcnow().replace(second=0, microsecond=0)):
                log.info("skipping %s: another worker runs it at this tick", full)
                return None
            return fn(ctx)

        wrapper = self.catalog[full] = self.huey.periodic_task(schedule, name=full, **options)(
            self._runner(full, once)
        )
        return wrapper


def _json(value: Any) -> bool:
    """Whether `value` is made of JSON values only (what a job row can keep to queue the job again)."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _record(task: str, title: str | None, user_id: int | None, arguments: dict[str, Any]) -> tuple[Any, Job]:
    """The task's wrapper and a new `core_job` row for a run of it, committed (with its arguments, to run it
    again, when the task may be retried)."""
    ext = current_app.extensions["trato"]
    wrapper = ext.tasks.get(task)
    if wrapper is None:
        raise TratoError(f"no background task called {task!r}")
    job = Job(id=str(uuid.uuid4()), name=title or task, status="queued", progress=0, total=0,
              message="", user_id=user_id, task=task,
              arguments=arguments if getattr(wrapper, RETRY, False) and _json(arguments) else None)
    with ext.sessionmaker() as s, s.begin():
        s.add(job)
    return wrapper, job


def submit(task: str, *, title: str | None = None, user_id: int | None = None, **kwargs: Any) -> Job:
    """Queue task `task` as a job the UI can follow; returns the `core_job` row.

    The job carries the id of the request that queued it, for its log lines.
    """
    wrapper, job = _record(task, title, user_id, kwargs)
    wrapper(job_id=job.id, request_id=current_request_id(), **kwargs)
    return job


def run_here(task: str, *, title: str | None = None, user_id: int | None = None, **kwargs: Any) -> Job:
    """Run task `task` in this process (a command line) as a job the UI can follow, heartbeat included.

    Returns once the task has ended, with the `core_job` row as it was
    created (for its id); if the task failed, its exception is raised after
    the row says so.
    """
    wrapper, job = _record(task, title, user_id, kwargs)
    wrapper.call_local(job_id=job.id, **kwargs)
    return job
