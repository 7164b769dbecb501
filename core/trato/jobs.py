"""Background jobs on Huey, with status and progress kept in `core_job`.

Storage follows the database: SQLite file in the instance folder by default,
Redis when `TRATO_REDIS_URL` is set, PostgreSQL tables when the database is
PostgreSQL (so production needs no Redis). Tasks are registered per plugin
through the `register_tasks` hook; a task's name is `<plugin>.<name>`.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import update
from sqlalchemy.orm import Session

from . import db
from .errors import TratoError
from .models import Job, utcnow

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger("trato.jobs")
QUEUE_NAME = "trato"
__all__ = ["JobContext", "TaskRegistry", "crontab", "make_huey", "submit"]


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


def _update_job(app: Flask, job_id: str, **values: Any) -> None:
    with app.extensions["trato"].sessionmaker() as s, s.begin():
        s.execute(update(Job).where(Job.id == job_id).values(**values))


class TaskRegistry:
    """What a plugin's `register_tasks` receives: bound to that plugin."""

    def __init__(self, app: Flask, huey: Huey, owner: str, catalog: dict[str, Any]) -> None:
        self.app = app
        self.huey = huey
        self.owner = owner
        self.catalog = catalog

    def _runner(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        app, owner = self.app, self.owner

        def run(job_id: str | None = None, **kwargs: Any) -> Any:
            with app.app_context():
                ext = app.extensions["trato"]
                ext.refresh()
                if owner != "core" and not ext.plugins.is_enabled(owner):
                    log.info("skipping %s: plugin %s is disabled", name, owner)
                    if job_id:
                        _update_job(app, job_id, status="failed", message=f"plugin {owner} is disabled",
                                    finished_at=utcnow())
                    return None
                if job_id:
                    _update_job(app, job_id, status="running")
                try:
                    result = fn(JobContext(app, job_id), **kwargs)
                except Exception as exc:
                    log.exception("job %s failed", name)
                    if job_id:
                        _update_job(app, job_id, status="failed", message=str(exc)[:2000], finished_at=utcnow())
                    raise
                if job_id:
                    _update_job(app, job_id, status="done", result=result, finished_at=utcnow())
                return result

        run.__name__ = name.replace(".", "_")
        return run

    def task(self, name: str, fn: Callable[..., Any], **options: Any) -> Any:
        """Register `fn(ctx, **kwargs)` as task `<plugin>.<name>`."""
        full = f"{self.owner}.{name}"
        wrapper = self.catalog[full] = self.huey.task(name=full, **options)(self._runner(full, fn))
        return wrapper

    def periodic(self, name: str, fn: Callable[..., Any], schedule: Callable[..., bool], **options: Any) -> Any:
        """Run `fn(ctx)` on `schedule` (a huey `crontab`) in `trato worker`."""
        full = f"{self.owner}.{name}"
        wrapper = self.catalog[full] = self.huey.periodic_task(schedule, name=full, **options)(
            self._runner(full, fn)
        )
        return wrapper


def submit(task: str, *, title: str | None = None, user_id: int | None = None, **kwargs: Any) -> Job:
    """Queue task `task` as a job the UI can follow; returns the `core_job` row."""
    ext = current_app.extensions["trato"]
    wrapper = ext.tasks.get(task)
    if wrapper is None:
        raise TratoError(f"no background task called {task!r}")
    job = Job(id=str(uuid.uuid4()), name=title or task, status="queued", progress=0, total=0,
              message="", user_id=user_id)
    with ext.sessionmaker() as s, s.begin():
        s.add(job)
    wrapper(job_id=job.id, **kwargs)
    return job
