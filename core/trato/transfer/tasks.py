"""The background jobs of imports and exports, registered among the core's tasks."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from .. import db
from ..jobs import JobContext, TaskRegistry
from ..models import User
from ..replica import lagging
from . import export, imports


def import_records(ctx: JobContext, import_id: int) -> dict[str, Any]:
    """Run (or resume) an import, reporting rows done as the job's progress."""
    imp = imports.run(import_id, progress=lambda done, total: ctx.progress(done, total), job_id=ctx.job_id)
    return {"import_id": imp.id, "created": imp.created, "updated": imp.updated, "failed": imp.failed}


def export_records(ctx: JobContext, entity: str, as_user: int | None, **options: Any) -> dict[str, Any]:
    """Write an export file in the instance folder, as the user who asked for it (None: the system).

    It only reads, for as long as the file takes: as a SQLite writer it would hold the write lock throughout.
    """
    with db.reading(), lagging():  # from the read replica, when there is one
        user = db.session().get(User, as_user) if as_user is not None else None
        with force_locale(imports.user_locale(user)):
            path, rows = export.export_file(entity, user=user, **options)
    return {"path": str(path), "rows": rows}


def register(tasks: TaskRegistry) -> None:
    # Both may run again after a worker died: an import goes on from its last committed batch, an export
    # writes its file anew.
    tasks.task("import_records", import_records, retry=True)
    tasks.task("export_records", export_records, retry=True)
