"""Background jobs in the browser: the status a page polls while one runs, and the list of one's jobs.

A job whose process died shows as interrupted (`jobs.state`, from its
heartbeat) here and wherever its status fragment is shown; an import's own
page then offers to resume it.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import consumers, db, jobs
from ..models import Job
from ..transfer.models import Import
from ..views.pages import _fragment_or_page

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
LISTED = 100


@bp.app_template_global()
def job_state(job: Job) -> str:
    """The job's status as it really is, for templates: "interrupted" when its process died."""
    return jobs.state(job)


@bp.app_template_global()
def consumer_missing() -> bool:
    """Whether jobs wait with no worker seen for minutes (consumers.missing); asked once per request."""
    if "consumer_missing" not in g:
        g.consumer_missing = consumers.missing(db.session(), current_app.extensions["trato"].huey)
    return bool(g.consumer_missing)


@bp.get("/")
@login_required
def listing() -> Any:
    """The newest jobs: the user's own, everyone's for an administrator; an import's links to its page."""
    stmt = select(Job).order_by(Job.created_at.desc()).limit(LISTED)
    if not current_user.is_admin:
        stmt = stmt.where(Job.user_id == current_user.id)
    session = db.session()
    shown = list(session.scalars(stmt))
    imports = dict(session.execute(select(Import.job_id, Import.id)
                                   .where(Import.job_id.in_([job.id for job in shown]))).all()) if shown else {}
    return _fragment_or_page("jobs/list.html", jobs=shown, imports=imports)


@bp.get("/<job_id>")
@login_required
def status(job_id: str) -> Any:
    job = db.session().get(Job, job_id)
    if job is None or (job.user_id != current_user.id and not current_user.is_admin):
        abort(404)
    return render_template("jobs/status.html", job=job)
