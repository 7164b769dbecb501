"""Contacts' own pages beside the generic record pages: duplicates, merge, vCards and a person's data.

Accounts and contacts are listed, shown and edited by the core's generic
pages (/r/contacts_account/, /r/contacts_contact/); these pages do what only
contacts knows how to do. Every read and write goes through `trato.records`
with the signed-in user, so roles, field rules and the audit history apply.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, \
    url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden

from trato import PermissionRefused, QueryError, RecordNotFound, StaleRecord, ValidationFailed, access, pages, records

from . import duplicates, merge, personal_data, vcard_contacts
from .form_warning import reasons_of
from .models import Account, Contact

bp = Blueprint("contacts", __name__, url_prefix="/contacts", template_folder="templates")
CONTACTS, ACCOUNTS = Contact.__tablename__, Account.__tablename__
EXPORT_LIMIT = 500
MAX_UPLOAD = 5 * 1024 * 1024


@bp.errorhandler(PermissionRefused)
def refused(exc: PermissionRefused) -> Any:
    """What the user's role does not allow: the 403 page, with the policy's message."""
    return current_app.handle_http_exception(Forbidden(str(exc)))


def _entity_arg(value: str | None) -> str:
    if value is None or not merge.mergeable(value):
        abort(404)
    return value  # type: ignore[return-value]


def record_page(entity: str, record_id: int) -> str:
    return url_for("records.detail", entity=entity, record_id=record_id)


@bp.get("/")
@login_required
def index() -> Any:
    return redirect(url_for("records.listing", entity=ACCOUNTS))


def _caller() -> Any:
    """The signed-in user, or the owner of a valid bearer token (API clients call the duplicates lookup)."""
    found = pages.caller()
    if found is None:
        problem = {"type": "about:blank", "title": _("Unauthorized"), "status": 401,
                   "detail": _("Sign in, or send a bearer token.")}
        abort(Response(json.dumps(problem), 401, mimetype="application/problem+json"))
    return found


@bp.get("/duplicates")
def lookup() -> Any:
    """Likely duplicates of the values given (or of record `id`), as JSON: what API clients check before creating."""
    user = _caller()
    entity = request.args.get("entity", CONTACTS)
    if not merge.mergeable(entity):
        problem = {"type": "about:blank", "title": _("Bad request"), "status": 400,
                   "detail": _("entity must be one whose duplicates can be looked up, such as contacts_contact or "
                               "contacts_account."),
                   "errors": {"entity": [_("Unknown entity.")]}}
        return Response(json.dumps(problem), 400, mimetype="application/problem+json")
    values: dict[str, Any] = {k: request.args[k].strip() for k in duplicates.IDENTIFYING
                              if request.args.get(k, "").strip()}
    if "account_id" in values:
        values["account_id"] = int(values["account_id"]) if values["account_id"].isdigit() else None
    exclude = request.args.get("id", type=int)
    if exclude:
        try:
            values = dict(records.get(entity, exclude, user=user))
        except RecordNotFound:
            abort(404)
    found = duplicates.find(entity, values, user, exclude=exclude)
    return jsonify({"candidates": [
        {"entity": c.record.entity, "id": c.record.id, "title": duplicates.title(c.record.entity, c.record),
         "reasons": list(c.reasons), "url": record_page(c.record.entity, c.record.id)} for c in found]})


def _merge_page(entity: str, a: Any, b: Any, status: int = 200, message: str | None = None) -> Any:
    """The merge screen: each field's value in A and B to pick from; without B, the likely duplicates of A."""
    e = records.entity(entity)
    rows = []
    if b is not None:
        shown_a, shown_b = _shown(e, a), _shown(e, b)  # the fields the user's role hides are not there
        rows = [(name, shown_a[name][0], shown_a[name][1], shown_b[name][1])
                for name in merge.mergeable_fields(entity) if name in shown_a]
    candidates = [] if b is not None else [c for c in duplicates.find(entity, a, current_user, exclude=a.id)
                                           if c.record.entity == entity]
    return render_template("contacts/merge.html", entity=e, a=a, b=b, rows=rows, candidates=candidates,
                           title_of=lambda r: duplicates.title(entity, r), message=message,
                           reasons_of=reasons_of), status


def _shown(entity: Any, record: Any) -> dict[str, tuple[str, str]]:
    """Each field's label and text as the generic pages show them."""
    return pages.shown_fields(entity, record, current_user)


def _load(entity: str, record_id: int | None) -> Any:
    if record_id is None:
        return None
    try:
        return records.get(entity, record_id, user=current_user)
    except RecordNotFound:
        abort(404)


@bp.route("/merge", methods=["GET", "POST"])
@login_required
def merge_page() -> Any:
    source = request.form if request.method == "POST" else request.args
    entity = _entity_arg(source.get("entity"))
    a_id, b_id = source.get("a", type=int), source.get("b", type=int)
    if a_id is None:
        abort(404)
    if a_id == b_id:
        a = _load(entity, a_id)
        return _merge_page(entity, a, None, 422,
                           _("A record cannot be merged with itself: choose two different records."))
    a, b = _load(entity, a_id), _load(entity, b_id)
    if request.method == "GET":
        return _merge_page(entity, a, b)
    picks = {name[5:]: value for name, value in request.form.items() if name.startswith("pick_")}
    try:
        done = merge.merge(entity, a.id, b.id, picks, current_user)
    except merge.MergeRefused as exc:
        return _merge_page(entity, a, b, 422, str(exc))
    except ValidationFailed as exc:
        return _merge_page(entity, a, b, 422, str(exc))
    except RecordNotFound:
        return _merge_page(entity, a, b, 422, _("Some records that point at B are out of your reach, so nothing "
                                                "was merged; ask an administrator to merge these two."))
    except StaleRecord:
        return _merge_page(entity, a, b, 409, _("Someone changed one of these records in the meantime; nothing "
                                                "was merged. Check the values and merge again."))
    moved = sum(done.moved.values())
    flash(_("%(b)s was merged into %(a)s (%(count)s related items moved); it is in the recycle bin.",
            b=duplicates.title(entity, b), a=duplicates.title(entity, done.survivor), count=moved), "success")
    return redirect(record_page(entity, a.id))


def _download(body: str, name: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _version() -> str:
    return "4.0" if request.args.get("version") == "4.0" else "3.0"


@bp.get("/contacts/<int:record_id>.vcf")
@login_required
def vcard_one(record_id: int) -> Response:
    contact = _load(CONTACTS, record_id)
    shown = access.without_hidden(current_user, CONTACTS, contact)
    return _download(vcard_contacts.export([shown], current_user, _version()), f"contact-{record_id}.vcf",
                     "text/vcard")


@bp.get("/contacts.vcf")
@login_required
def vcard_list() -> Response:
    """The contacts of a list page's URL (its filters, search and sort, read as the list reads them), up to 500."""
    args = request.args.copy()
    args.poplist("version")  # the vCard version asked for, not a filter on the records' version
    try:
        page = pages.list_query(CONTACTS, args, current_user).page(limit=EXPORT_LIMIT)
    except QueryError as exc:
        abort(400, str(exc))
    shown = [access.without_hidden(current_user, CONTACTS, c) for c in page.items]
    return _download(vcard_contacts.export(shown, current_user, _version()), "contacts.vcf", "text/vcard")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_page() -> Any:
    access.check(current_user, CONTACTS, "create")
    if request.method == "GET":
        return render_template("contacts/import.html", result=None, message=None)
    upload = request.files.get("file")
    data = upload.read(MAX_UPLOAD + 1) if upload else b""
    message = None
    if not data:
        message = _("Choose a .vcf file to import.")
    elif len(data) > MAX_UPLOAD:
        message = _("The file is larger than 5 MB; split it and import the parts.")
    if message:
        return render_template("contacts/import.html", result=None, message=message), 422
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")  # older phones' exports
    result = vcard_contacts.import_file(content, current_user)
    return render_template("contacts/import.html", result=result, message=None), 422 if result.problems else 200


@bp.get("/contacts/<int:record_id>/personal-data")
@login_required
def personal_data_export(record_id: int) -> Response:
    try:
        document = personal_data.export(record_id, current_user)
    except RecordNotFound:
        abort(404)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return _download(body, f"personal-data-contact-{record_id}.json", "application/json")


@bp.post("/contacts/<int:record_id>/erase")
@login_required
def erase(record_id: int) -> Any:
    """Erase the person (the panel's form, HTMX or plain): back to the contact's page with what happened."""
    _load(CONTACTS, record_id)
    try:
        personal_data.erase(record_id, current_user, version=request.form.get("version", type=int))
    except StaleRecord:
        flash(_("Someone else changed this contact in the meantime; look at it again before erasing it."), "error")
    except ValidationFailed as exc:
        flash(_("The person's data could not be erased: %(reason)s", reason=exc), "error")
    else:
        flash(_("The person's data was erased; the contact remains, anonymised, for the business records."),
              "success")
    target = record_page(CONTACTS, record_id)
    if request.headers.get("HX-Request") == "true":
        return Response("", 204, {"HX-Redirect": target})
    return redirect(target)
