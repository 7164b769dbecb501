"""The core's own background tasks."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from .jobs import JobContext, TaskRegistry, crontab
from .models import Job, utcnow

JOB_HISTORY_DAYS = 30


def prune_jobs(ctx: JobContext) -> int:
    """Forget finished jobs older than a month, so the job table stays small."""
    cutoff = utcnow() - timedelta(days=JOB_HISTORY_DAYS)
    session = ctx.session
    result = session.execute(delete(Job).where(Job.finished_at.is_not(None), Job.finished_at < cutoff))
    session.commit()
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


def register_core_tasks(tasks: TaskRegistry) -> None:
    tasks.periodic("prune_jobs", prune_jobs, crontab(minute="17", hour="3"))
