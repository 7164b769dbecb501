"""The core's own background tasks."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from . import currencies, jobs, planner_stats, scheduled_backups, sessions
from .activity import reminders
from .filter_indexes.build import build as build_filter_index
from .mail import tasks as mail_tasks
from .jobs import JobContext, TaskRegistry, crontab
from .mailin import tasks as mailin_tasks
from .models import Job, utcnow
from .records.purge import purge_expired
from .transfer import tasks as transfer_tasks

JOB_HISTORY_DAYS = 30


def prune_jobs(ctx: JobContext) -> int:
    """Forget finished jobs older than a month, so the job table stays small."""
    cutoff = utcnow() - timedelta(days=JOB_HISTORY_DAYS)
    session = ctx.session
    result = session.execute(delete(Job).where(Job.finished_at.is_not(None), Job.finished_at < cutoff))
    jobs.prune_claims(session)
    session.commit()
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


def purge_recycle_bin(ctx: JobContext) -> dict[str, int]:
    """Remove records deleted longer ago than `recycle_retention_days`; how many, by entity."""
    return purge_expired(ctx.app.extensions["trato"].settings.recycle_retention_days)


def refresh_planner_stats(ctx: JobContext) -> bool:
    """Gather SQLite's planner statistics again, as the book grows (planner_stats.py)."""
    with ctx.app.extensions["trato"].engine.begin() as conn:
        return planner_stats.refresh(conn)


def purge_sessions(ctx: JobContext) -> int:
    """Forget sign-in sessions that ended by themselves (past a limit, or their user's epoch moved on)."""
    removed = sessions.purge(ctx.session, ctx.app.extensions["trato"].settings)
    ctx.session.commit()
    return removed


def take_scheduled_backup(ctx: JobContext) -> str | None:
    """The daily backup archive, with retention (scheduled_backups.py); its path, or None when turned off."""
    written = scheduled_backups.take_backup(ctx.app.extensions["trato"])
    return str(written) if written else None


def mark_interrupted_jobs(ctx: JobContext) -> int:
    """Queue again, or record as interrupted, the jobs whose process died (their heartbeat stopped); how many
    were queued again. Every minute, and when a worker starts: a killed worker's job is found by the next one."""
    return jobs.recover(ctx.app)


def register_core_tasks(tasks: TaskRegistry) -> None:
    tasks.periodic("mark_interrupted_jobs", mark_interrupted_jobs, crontab(minute="*"))
    tasks.periodic("prune_jobs", prune_jobs, crontab(minute="17", hour="3"))
    tasks.periodic("purge_recycle_bin", purge_recycle_bin, crontab(minute="37", hour="3"))
    tasks.periodic("refresh_planner_stats", refresh_planner_stats, crontab(minute="57", hour="3"))
    tasks.periodic("purge_sessions", purge_sessions, crontab(minute="7", hour="4"))
    tasks.periodic("take_scheduled_backup", take_scheduled_backup, crontab(minute="47", hour="2"))
    tasks.task("build_filter_index", build_filter_index)
    transfer_tasks.register(tasks)
    reminders.register(tasks)
    currencies.register(tasks)
    mailin_tasks.register(tasks)
    mail_tasks.register(tasks)
