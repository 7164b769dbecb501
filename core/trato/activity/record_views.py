"""What a record's page offers beside its fields: timeline, notes, activities, files, tags, following.

Every route first finds the record as the signed-in user may see it
(`records.get`), so a record out of their scope, or in the recycle bin, is a
404 and so is everything hanging on it. Viewing the record is enough to add
notes, activities and files and to follow it (as in most CRMs: talking about
a record is not changing it); tags classify the record for everyone, so
they need the edit permission on it. Changing or deleting a note, activity
or file is for its author (the assignee may also mark an activity done) or
an administrator. An HTMX request gets the record's activity section back
(its Files tab for an upload, or a deletion made there); a plain form post
is redirected to the record page's Timeline tab (`?tab=timeline`), or Files tab.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from .. import access
from ..i18n import _
from ..records import RecordNotFound
from ..views.related import timeline
from . import activities, followers, notes, storage, tags
from .blueprint import bp
from .errors import ActivityError, NotAllowed
from .targets import visible
from .user_views import agenda_response

RECORD = "/r/<entity>/<int:record_id>"


def _user() -> Any:
    return current_user._get_current_object()


def _visible(entity: str, record_id: int) -> Any:
    """The entity and record, or 404; a change (POST) to what hangs on a blocked record is refused (403)."""
    try:
        found = visible(entity, record_id, _user())
    except RecordNotFound:
        abort(404)
    if request.method == "POST":
        try:
            access.check_not_blocked(_user(), *found)
        except access.PermissionRefused as exc:
            abort(403, str(exc))
    return found


def _section(entity: str, record_id: int, status: int = 200, form: str = "", error: ActivityError | None = None
             ) -> Any:
    """The record's activity section (HTMX) or, for a plain post, back to its page; after an `error` the failed
    `form` shows it, with what was typed kept."""
    e, record = _visible(entity, record_id)
    if request.headers.get("HX-Request") != "true" and request.method == "POST":
        if error is not None:
            flash(str(error), "error")
        return redirect(url_for("records.detail", entity=entity, record_id=record_id, tab="timeline"))
    context = dict(timeline=timeline(e, record, _user(), request.args.get("kind")), entity=e, record=record,
                   failed_form=form, error=error, submitted=request.form if error else {})
    if request.headers.get("HX-Request") == "true":
        return render_template("activity/_section.html", **context), status, {"Vary": "HX-Request"}
    return render_template("activity/timeline_page.html", **context), status, {"Vary": "HX-Request"}


def _files(entity: str, record_id: int, status: int = 200, error: ActivityError | None = None) -> Any:
    """The record's Files tab (HTMX) or, for a plain post, back to its page on that tab."""
    e, record = _visible(entity, record_id)
    if request.headers.get("HX-Request") != "true":
        if error is not None:
            flash(str(error), "error")
        return redirect(url_for("records.detail", entity=entity, record_id=record_id, tab="files"))
    return (render_template("activity/_files.html", entity=e, record=record, error=error, oob=True,
                            files=storage.of_record(e.name, record.id, _user())), status, {"Vary": "HX-Request"})


@bp.get(f"{RECORD}/timeline")
@login_required
def show(entity: str, record_id: int) -> Any:
    return _section(entity, record_id)


@bp.post(f"{RECORD}/notes")
@login_required
def add_note(entity: str, record_id: int) -> Any:
    _visible(entity, record_id)
    try:
        notes.add(entity, record_id, request.form.get("body", ""), _user())
    except ActivityError as exc:
        return _section(entity, record_id, 422, "note", exc)
    return _section(entity, record_id)


@bp.post(f"{RECORD}/notes/<int:note_id>/edit")
@login_required
def edit_note(entity: str, record_id: int, note_id: int) -> Any:
    _visible(entity, record_id)
    note = notes.find(entity, record_id, note_id) or abort(404)
    try:
        _or_403(lambda: notes.edit(note, request.form.get("body", ""), _user()))
    except ActivityError as exc:
        return _section(entity, record_id, 422, f"note-{note_id}", exc)
    return _section(entity, record_id)


@bp.post(f"{RECORD}/notes/<int:note_id>/delete")
@login_required
def delete_note(entity: str, record_id: int, note_id: int) -> Any:
    _visible(entity, record_id)
    note = notes.find(entity, record_id, note_id) or abort(404)
    _or_403(lambda: notes.delete(note, _user()))
    return _section(entity, record_id)


def _or_403(change: Callable[[], Any]) -> None:
    """Make a change the user may be refused (not the author, say): a refusal is a 403 with its reason."""
    try:
        change()
    except NotAllowed as exc:
        abort(403, str(exc))


@bp.post(f"{RECORD}/activities")
@login_required
def add_activity(entity: str, record_id: int) -> Any:
    _visible(entity, record_id)
    try:
        activities.add(entity, record_id, activities.read_form(request.form), _user())
    except ActivityError as exc:
        return _section(entity, record_id, 422, "activity", exc)
    return _section(entity, record_id)


def _activity(entity: str, record_id: int, activity_id: int) -> Any:
    _visible(entity, record_id)
    found = activities.find(activity_id)
    if found is None or found.entity != entity or found.record_id != record_id:
        abort(404)
    return found


@bp.post(f"{RECORD}/activities/<int:activity_id>/done")
@login_required
def mark_done(entity: str, record_id: int, activity_id: int) -> Any:
    """Mark an activity done (or, with done=0, open again); from the agenda the agenda comes back."""
    found = _activity(entity, record_id, activity_id)
    _or_403(lambda: activities.set_done(found, request.form.get("done", "1") == "1", _user()))
    if request.form.get("view") == "agenda":
        return agenda_response()
    return _section(entity, record_id)


@bp.post(f"{RECORD}/activities/<int:activity_id>/delete")
@login_required
def delete_activity(entity: str, record_id: int, activity_id: int) -> Any:
    found = _activity(entity, record_id, activity_id)
    _or_403(lambda: activities.delete(found, _user()))
    return _section(entity, record_id)


@bp.post(f"{RECORD}/files")
@login_required
def upload(entity: str, record_id: int) -> Any:
    _visible(entity, record_id)
    sent = request.files.get("file")
    try:
        if sent is None or not sent.filename:
            raise ActivityError(_("Choose a file to attach."), "file")
        storage.save(entity, record_id, sent.filename, sent.stream, _user())
    except ActivityError as exc:
        too_big = exc.field == "file" and str(exc) == storage.too_large_message()
        return _files(entity, record_id, 413 if too_big else 422, exc)
    return _files(entity, record_id)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_err: RequestEntityTooLarge) -> Any:
    """A request beyond `max_upload_mb`: the upload form says so (a page of its own without HTMX)."""
    args = request.view_args or {}
    message = storage.too_large_message()
    if request.headers.get("HX-Request") == "true" and "entity" in args and current_user.is_authenticated:
        return _files(args["entity"], args["record_id"], 413, ActivityError(message, "file"))
    back = url_for("records.detail", entity=args["entity"], record_id=args["record_id"], tab="files") \
        if "entity" in args else url_for("home.index")
    return render_template("activity/too_large.html", message=message, back=back), 413


@bp.get(f"{RECORD}/files/<int:attachment_id>")
@login_required
def download(entity: str, record_id: int, attachment_id: int) -> Any:
    """The file, only to someone who may view the record; never shown inline, never sniffed."""
    _visible(entity, record_id)
    found = storage.find(entity, record_id, attachment_id) or abort(404)
    path = storage.path_of(found)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.content_type, as_attachment=True, download_name=found.file_name,
                         conditional=True, etag=found.storage_key)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post(f"{RECORD}/files/<int:attachment_id>/delete")
@login_required
def delete_file(entity: str, record_id: int, attachment_id: int) -> Any:
    _visible(entity, record_id)
    found = storage.find(entity, record_id, attachment_id) or abort(404)
    _or_403(lambda: storage.delete(found, _user()))
    if request.args.get("shown") == "files":  # deleted from the Files tab, not from the timeline
        return _files(entity, record_id)
    return _section(entity, record_id)


def _may_tag(entity: str, record_id: int) -> None:
    e, record = _visible(entity, record_id)
    if not access.allowed(_user(), e, "edit", record):
        abort(403, _("Your role may not change the tags of this record."))


@bp.post(f"{RECORD}/tags")
@login_required
def add_tag(entity: str, record_id: int) -> Any:
    _may_tag(entity, record_id)
    try:
        tags.add(entity, record_id, request.form.get("tag", ""))
    except ActivityError as exc:
        return _section(entity, record_id, 422, "tag", exc)
    return _section(entity, record_id)


@bp.post(f"{RECORD}/tags/remove")
@login_required
def remove_tag(entity: str, record_id: int) -> Any:
    _may_tag(entity, record_id)
    tags.remove(entity, record_id, request.form.get("tag", ""))
    return _section(entity, record_id)


@bp.post(f"{RECORD}/follow")
@login_required
def follow(entity: str, record_id: int) -> Any:
    _visible(entity, record_id)
    if request.form.get("follow", "1") == "1":
        followers.follow(_user(), entity, record_id)
    else:
        followers.unfollow(_user(), entity, record_id)
    return _section(entity, record_id)
