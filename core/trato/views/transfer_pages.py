"""The import wizard, the import history and the list's export, in the browser, for every entity.

    /r/<entity>/import              upload a CSV file
    /r/<entity>/import/<upload>     map its columns to fields, choose the mode; preview; run or dry-run
    /imports/<id>                   progress (a background job), then counts, error file, undo, resume
    /imports, /r/<entity>/imports   the history, everyone's for an administrator, else the user's own
    /r/<entity>/export              the list as its URL states it, as CSV or XLSX; a job when it is large

All the work is the engine's (`trato.transfer`): these views only carry a
person's choices to it and show what it says. Between the steps the upload
waits in the instance's `imports/` folder, named in the user's session only.
"""
from __future__ import annotations

from collections.abc import Mapping
from itertools import islice
from pathlib import Path
from typing import Any, NoReturn

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request, send_file, session,
                   stream_with_context, url_for)
from flask_login import login_required
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from .. import access, db, jobs
from ..entities import Entity
from ..i18n import _
from ..models import Job, User
from ..records import QueryError
from ..transfer import duplicates, export, imports, undo
from ..transfer.errors import TransferError
from ..transfer.files import folder, keep_upload
from ..transfer.mapping import importable, map_columns
from ..transfer.models import MODES, Import, ImportRecord
from ..transfer.reading import CHOICES, CsvFile, EncodingUndecided, Undecodable, open_csv
from .inputs import signed_in
from .listing import ListState
from .pages import _entity, _fragment_or_page
from ..presentation import visible_fields

bp = Blueprint("transfer", __name__)

# A list longer than this is exported by a background job, with a download link when it is done.
STREAM_LIMIT = 10_000
PREVIEW_ROWS = 20
SAMPLE_ROWS = 3
# Links to the imported records name them one by one, up to this many; beyond, the list newest first.
LINKED_RECORDS = 200
STAGED = "import_uploads"  # session key: {upload name: original file name}
STAGED_KEPT = 3  # uploads a user may have waiting in the wizard at once
DELIMITERS = {"comma": ",", "semicolon": ";"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_global()
def transfer_allowed(entity: Entity, action: str) -> bool:
    """Whether the signed-in user may import or export `entity`, for the list page's buttons."""
    return access.allowed(signed_in(), entity, action)


def _refused(exc: access.PermissionRefused) -> NoReturn:
    abort(403, str(exc))


# ---- step 1: upload ---------------------------------------------------------------------------------------------

def _upload_page(entity: Entity, error: str | None = None, status: int = 200) -> Any:
    return _fragment_or_page("records/import.html", status, entity=entity, error=error,
                             limit_mb=current_app.extensions["trato"].settings.max_upload_mb,
                             recent=imports.history(user=signed_in(), entity=entity.name, limit=5))


@bp.route("/r/<entity>/import", methods=["GET", "POST"])
@login_required
def upload(entity: str) -> Any:
    e = _entity(entity, "import")
    if request.method == "GET":
        return _upload_page(e)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _upload_page(e, _("Choose a CSV file to upload."), 422)
    data = sent.read()
    try:
        open_csv(data)
    except EncodingUndecided:
        pass  # the next step asks how to read it
    except TransferError as exc:
        return _upload_page(e, str(exc), 422)
    kept = keep_upload(data, sent.filename)
    staged = [*session.get(STAGED, {}).items(), (kept.name, sent.filename)]
    for name, _original in staged[:-STAGED_KEPT]:  # an upload left half way through the wizard
        (folder("imports") / Path(name).name).unlink(missing_ok=True)
    session[STAGED] = dict(staged[-STAGED_KEPT:])
    return redirect(url_for("transfer.mapping", entity=e.name, upload=kept.name))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_err: RequestEntityTooLarge) -> Any:
    """An upload beyond `max_upload_mb`: said at the file field of the upload form."""
    limit = current_app.extensions["trato"].settings.max_upload_mb
    message = _("The file is larger than %(limit)s MB. Split it into smaller files and import each one.",
                limit=limit)
    entity = (request.view_args or {}).get("entity")
    if entity is None:
        abort(413, message)
    return _upload_page(_entity(entity, "import"), message, 413)


# ---- step 2 and 3: mapping, preview, run --------------------------------------------------------------------------

def _staged(upload_name: str) -> tuple[Path, str]:
    """The user's waiting upload and its original name; 404 if it is not theirs or has gone."""
    original = session.get(STAGED, {}).get(upload_name)
    path = folder("imports") / Path(upload_name).name
    if original is None or not path.is_file():
        abort(404)
    return path, original


def _encoding(values: Mapping[str, str]) -> str | None:
    """How the person chose to read a file that is not UTF-8 throughout (`reading.CHOICES`), if they did."""
    chosen = values.get("encoding")
    return chosen if chosen in CHOICES else None


def _options() -> dict[str, Any]:
    mode = request.form.get("mode", "create")
    on_match = request.form.get("on_match", duplicates.CREATE)
    return {"mode": mode if mode in MODES else "create", "key": request.form.get("key") or None,
            "encoding": _encoding(request.form),
            "on_match": on_match if on_match in duplicates.ON_MATCH else duplicates.CREATE}


def _choices(mode: str) -> dict[str, str]:
    """From the form: {column: field name or "" to leave it out}, for the engine's `overrides`.

    Creating records leaves an ID column out, as the engine does when it maps by itself.
    """
    chosen = {column: request.form.get(f"col{index}", "")
              for index, column in enumerate(request.form.getlist("header")) if column}
    return {column: "" if mode == "create" and name == "id" else name for column, name in chosen.items()}


def _columns(entity: Entity, csv: CsvFile, user: Any, chosen: Mapping[str, str] | None) -> list[dict[str, Any]]:
    """Each column of the file: its header, a few sample cells and the field it fills (chosen, remembered or
    matched by the engine)."""
    mapping = chosen if chosen is not None else map_columns(entity, csv.header, user, "upsert")
    samples = [cells for _number, cells in islice(csv.rows(), SAMPLE_ROWS)]
    return [{"index": i, "header": column, "field": mapping.get(column, ""),
             "samples": [cells[i] for cells in samples if i < len(cells) and cells[i]]}
            for i, column in enumerate(csv.header) if column]


def _mapping_page(entity: Entity, upload_name: str, path: Path, original: str, error: str | None = None,
                  status: int = 200, chosen: Mapping[str, str] | None = None, preview: Any = None,
                  **options: Any) -> Any:
    user = signed_in()
    try:
        csv = open_csv(path, options.get("encoding"))
    except EncodingUndecided as exc:
        return _encoding_page(entity, upload_name, original, exc.found)
    try:
        columns = _columns(entity, csv, user, chosen)
    except TransferError as exc:  # its first rows cannot be read (a cell over the limit): the file must change
        return _upload_page(entity, str(exc), 422)
    fields = importable(entity, user, "upsert")
    required = {f.name for f in entity.fields.values() if f.required and f.default is None and not f.system}
    return _fragment_or_page(
        "records/import_map.html", status, entity=entity, upload=upload_name, file_name=original, error=error,
        columns=columns, fields=list(fields.values()), required=required,
        keys=[f for f in fields.values() if f.unique or f.name == "id"], mode=options.get("mode", "create"),
        key=options.get("key") or "", preview=preview, modes=_modes(), header=csv.header,
        encoding=options.get("encoding") or "", on_match=options.get("on_match") or duplicates.CREATE,
        on_match_choices=_on_match_choices() if duplicates.finder(entity.name) else {}, title_of=_title_of)


def _encoding_page(entity: Entity, upload_name: str, original: str, found: Undecodable) -> Any:
    """The file is not UTF-8 throughout: which bytes, where, how they read each way; the person chooses."""
    return _fragment_or_page("records/import_encoding.html", entity=entity, upload=upload_name, file_name=original,
                             found=found)


def _on_match_choices() -> dict[str, str]:
    return {duplicates.CREATE: _("Create it anyway"), duplicates.SKIP: _("Skip it"),
            duplicates.UPDATE: _("Update the existing record with the row")}


def _title_of(record: Any) -> str:
    """A record the import matched, as a person knows it: its entity and title."""
    entity = current_app.extensions["trato"].entities.get(record.entity)
    return _("%(entity)s “%(title)s”", entity=entity.text, title=entity.title_of(record) or f"#{record.id}")


def _modes() -> dict[str, str]:
    return {"create": _("Create a record for each row"),
            "update": _("Update the records the key field finds"),
            "upsert": _("Update the records the key field finds, create the others")}


@bp.get("/r/<entity>/import/<upload>")
@login_required
def mapping(entity: str, upload: str) -> Any:
    e = _entity(entity, "import")
    path, original = _staged(upload)
    return _mapping_page(e, upload, path, original, encoding=_encoding(request.args))


@bp.post("/r/<entity>/import/<upload>")
@login_required
def preview(entity: str, upload: str) -> Any:
    """The first rows read with the chosen mapping, their errors by row and column; nothing is written."""
    e = _entity(entity, "import")
    path, original = _staged(upload)
    options = _options()
    chosen = _choices(options["mode"])
    try:
        shown = imports.preview(path, e, user=signed_in(), overrides=chosen, limit=PREVIEW_ROWS, **options)
    except TransferError as exc:
        return _mapping_page(e, upload, path, original, str(exc), 422, chosen, **options)
    except access.PermissionRefused as exc:
        return _refused(exc)
    return _mapping_page(e, upload, path, original, None, 200, {**chosen, **shown.mapping}, shown, **options)


@bp.post("/r/<entity>/import/<upload>/run")
@login_required
def run(entity: str, upload: str) -> Any:
    """Record the import and hand it to a background job; on to its progress page."""
    e = _entity(entity, "import")
    path, original = _staged(upload)
    options = _options()
    chosen = _choices(options["mode"])
    try:
        imp = imports.start(path, original, e, user=signed_in(), overrides=chosen,
                            dry_run=request.form.get("dry_run") == "1", **options)
    except TransferError as exc:
        return _mapping_page(e, upload, path, original, str(exc), 422, chosen, **options)
    except access.PermissionRefused as exc:
        return _refused(exc)
    session[STAGED] = {k: v for k, v in session.get(STAGED, {}).items() if k != upload}
    path.unlink(missing_ok=True)  # the engine keeps its own copy
    imports.submit(imp)
    return redirect(url_for("transfer.show", import_id=imp.id))


# ---- one import: progress and result, error file, undo, resume ----------------------------------------------------

def _import(import_id: int) -> Import:
    """The import, if the user ran it or is an administrator; 404 otherwise (as if it did not exist)."""
    imp = db.session().get(Import, import_id)
    user = signed_in()
    if imp is None or (imp.user_id != user.id and not user.is_admin):
        abort(404)
    return imp


def _job(job_id: str | None) -> Job | None:
    return db.session().get(Job, job_id) if job_id else None


def _records_link(imp: Import, entity: Entity) -> str:
    ids = list(db.session().scalars(select(ImportRecord.record_id).where(ImportRecord.import_id == imp.id)
                                    .limit(LINKED_RECORDS + 1)))
    base = url_for("records.listing", entity=entity.name)
    if 0 < len(ids) <= LINKED_RECORDS:
        return f"{base}?id__in={','.join(map(str, sorted(ids)))}&sort=-id"
    return f"{base}?sort=-id"


def _show(imp: Import, report: undo.UndoReport | None = None, error: str | None = None, status: int = 200) -> Any:
    job = _job(imp.job_id)
    entity = _entity(imp.entity, "view")
    running = imp.status in ("queued", "running") and jobs.is_active(job)
    who = db.session().get(User, imp.user_id) if imp.user_id else None
    return _fragment_or_page(
        "imports/show.html", status, imp=imp, job=job, entity=entity, running=running, who=who, report=report,
        error=error, poll_url=url_for("transfer.progress", import_id=imp.id),
        has_errors=bool(imp.error_path and Path(imp.error_path).is_file()),
        records_link=_records_link(imp, entity) if (imp.created or imp.updated) and not imp.dry_run else None,
        can_undo=not imp.dry_run and imp.status not in ("queued", "undone") and not running,
        can_resume=imp.status in ("queued", "running", "failed") and not jobs.is_active(job))


@bp.get("/imports/<int:import_id>")
@login_required
def show(import_id: int) -> Any:
    return _show(_import(import_id))


def _poll(job: Job | None, page: str, poll_url: str) -> Any:
    """The job's progress fragment while it runs; once it ends, the page reloads to show the result."""
    if jobs.is_active(job):
        return render_template("jobs/status.html", job=job, poll_url=poll_url)
    return Response("", 200, {"HX-Redirect": page})


@bp.get("/imports/<int:import_id>/progress")
@login_required
def progress(import_id: int) -> Any:
    imp = _import(import_id)
    return _poll(_job(imp.job_id), url_for("transfer.show", import_id=imp.id), request.path)


@bp.get("/imports/<int:import_id>/errors")
@login_required
def errors(import_id: int) -> Any:
    """The rows that failed, as an attachment: their original cells and the reason."""
    imp = _import(import_id)
    if not imp.error_path or not Path(imp.error_path).is_file():
        abort(404)
    name = f"{Path(imp.file_name).stem or 'import'}-errors.csv"
    return send_file(imp.error_path, mimetype="text/csv", as_attachment=True, download_name=name)


@bp.post("/imports/<int:import_id>/undo")
@login_required
def undo_import(import_id: int) -> Any:
    imp = _import(import_id)
    try:
        report = undo.undo(imp.id, user=signed_in())
    except TransferError as exc:
        return _show(imp, error=str(exc), status=409)
    except access.PermissionRefused as exc:
        return _refused(exc)
    return _show(_import(import_id), report=report)


@bp.post("/imports/<int:import_id>/resume")
@login_required
def resume(import_id: int) -> Any:
    """Go on with an import whose job stopped, from the first row not yet saved."""
    imp = _import(import_id)
    if imp.status not in ("queued", "running", "failed") or jobs.is_active(_job(imp.job_id)):
        return _show(imp, error=_("Only an interrupted import can be resumed."), status=409)
    db.session().commit()  # end this request's read, so that the job (another connection) may write
    imports.submit(imp)
    return redirect(url_for("transfer.show", import_id=imp.id))


# ---- history ------------------------------------------------------------------------------------------------------

def _history(entity: Entity | None) -> Any:
    user = signed_in()
    shown = imports.history(user=user, entity=entity.name if entity else None, limit=100)
    names = dict(db.session().execute(select(User.id, User.name)
                                      .where(User.id.in_({i.user_id for i in shown if i.user_id}))).all())
    registry = current_app.extensions["trato"].entities
    labels = {i.entity: registry.get(i.entity).plural_text for i in shown if i.entity in registry}
    running = {i.job_id for i in shown if i.status == "running" and i.job_id}
    alive = {job.id for job in db.session().scalars(select(Job).where(Job.id.in_(running)))
             if jobs.is_active(job)} if running else set()
    stopped = {i.id for i in shown if i.status == "running" and i.job_id not in alive}
    return _fragment_or_page("imports/history.html", entity=entity, imports=shown, names=names, labels=labels,
                             stopped=stopped)


@bp.get("/imports")
@login_required
def history() -> Any:
    return _history(None)


@bp.get("/r/<entity>/imports")
@login_required
def entity_history(entity: str) -> Any:
    return _history(_entity(entity, "import"))


# ---- export ------------------------------------------------------------------------------------------------------

@bp.get("/r/<entity>/export")
@login_required
def export_list(entity: str) -> Any:
    """The list as its URL states it (filters, search, sort, columns) as CSV or XLSX; a job when it is large.

    `_format` is csv or xlsx, `_delimiter` comma or semicolon (Excel set up for Spain wants semicolons).
    """
    e = _entity(entity, "export")
    user = signed_in()
    visible = {f.name: f for f in visible_fields(e, user)}
    state = ListState.read(e, request.args, visible)
    fmt = request.args.get("_format", "csv")
    delimiter = DELIMITERS.get(request.args.get("_delimiter", "comma"))
    if fmt not in export.FORMATS or delimiter is None:
        abort(400, _("Export as CSV (comma or semicolon) or XLSX."))
    try:
        total = state.query(e, user, visible).count()
        options: dict[str, Any] = dict(filters=state.node(), search=state.q or None, sort=state.sort,
                                       columns=list(state.columns))
        if fmt == "csv":
            options["delimiter"] = delimiter
        if total.value > STREAM_LIMIT:
            return redirect(url_for("transfer.export_job", job_id=export.submit(e.name, user=user, format=fmt,
                                                                                **options)))
        if fmt == "xlsx":
            return _xlsx(e, user, options)
        stream = export.export_csv(e, user=user, **options)
    except (QueryError, TransferError) as exc:
        abort(400, str(exc))
    except access.PermissionRefused as exc:
        return _refused(exc)
    return Response(stream_with_context(iter(stream)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{e.name}.csv"'})


def _xlsx(entity: Entity, user: Any, options: dict[str, Any]) -> Any:
    """A small list as an XLSX attachment: written to the exports folder, sent, removed."""
    path, _rows = export.export_file(entity, user=user, format="xlsx", **options)
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{entity.name}.xlsx"'})


def _export_job(job_id: str) -> Job:
    job = _job(job_id)
    user = signed_in()
    if job is None or (job.user_id != user.id and not user.is_admin):
        abort(404)
    return job


@bp.get("/exports/<job_id>")
@login_required
def export_job(job_id: str) -> Any:
    """A large export's progress, then its download link."""
    job = _export_job(job_id)
    ready = job.status == "done" and isinstance(job.result, dict) and "path" in job.result
    return _fragment_or_page("imports/export.html", job=job, ready=ready,
                             rows=job.result.get("rows") if ready else None,
                             poll_url=url_for("transfer.export_progress", job_id=job.id))


@bp.get("/exports/<job_id>/progress")
@login_required
def export_progress(job_id: str) -> Any:
    job = _export_job(job_id)
    return _poll(job, url_for("transfer.export_job", job_id=job.id), request.path)


@bp.get("/exports/<job_id>/file")
@login_required
def export_download(job_id: str) -> Any:
    """The file a finished export job wrote, only from the exports folder, only to who asked (or an admin)."""
    job = _export_job(job_id)
    path = Path(str((job.result or {}).get("path", ""))).resolve()
    if job.status != "done" or path.parent != folder("exports").resolve() or not path.is_file():
        abort(404)
    return send_file(path, mimetype=XLSX if path.suffix == ".xlsx" else "text/csv", as_attachment=True,
                     download_name=f"{path.stem.rsplit('-', 1)[0]}{path.suffix}")
