"""Job status that a page polls while a background job runs."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from .. import db
from ..models import Job

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("/<job_id>")
@login_required
def status(job_id: str) -> Any:
    job = db.session().get(Job, job_id)
    if job is None or (job.user_id != current_user.id and not current_user.is_admin):
        abort(404)
    return render_template("jobs/status.html", job=job)
