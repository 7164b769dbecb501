"""Every record's PDF: the "PDF" button of its page header and the route that serves it with the user's access.

The button is the core's `page_slot` implementation for `record_header`,
so every entity's page has it, a plugin's and a custom one's included.
The route serves the kept PDF once the record was issued, else renders
it; a record the user may not see is a 404, a template that fails a 422
with its message, a server without Pango a 503.
"""
from __future__ import annotations

import sys
from typing import Any

from flask import Blueprint, Flask, abort, render_template, request, url_for
from flask_login import login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from .. import access
from ..entities import UnknownEntity
from ..hooks import hookimpl
from ..i18n import _
from ..records import RecordNotFound
from ..records.common import entity_of
from ..ui import Fragment
from ..views.inputs import signed_in
from . import keeping
from . import issued, kept, render_pdf
from .errors import DocumentError, PdfUnavailable

NAME = "core.documents"
bp = Blueprint("documents", __name__, url_prefix="/r")


def pdf_response(data: bytes, name: str) -> Response:
    """A PDF shown in the browser (a download when saved), never kept by a shared cache."""
    return Response(data, 200, {"Content-Type": "application/pdf", "Content-Disposition": f'inline; filename="{name}"',
                                "Cache-Control": "private, no-store"})


def _problem(exc: DocumentError, entity: str, record_id: int, status: int) -> Any:
    back = url_for("records.detail", entity=entity, record_id=record_id)
    return render_template("documents/_problem.html", problem=str(exc), back=back), status


@bp.get("/<entity>/<int:record_id>/document.pdf")
@login_required
def record_pdf(entity: str, record_id: int) -> Any:
    """The record's PDF: the kept one once issued, else rendered now (in `?lang=` or the user's language)."""
    user = signed_in()
    try:
        e = entity_of(entity)
        data = kept(e, record_id, user=user)
        if data is None:
            data = render_pdf(e, record_id, user=user, language=request.args.get("lang") or None)
    except (UnknownEntity, RecordNotFound):
        abort(404)
    except access.PermissionRefused as exc:
        abort(403, str(exc))
    except PdfUnavailable as exc:
        return _problem(exc, entity, record_id, 503)
    except DocumentError as exc:
        return _problem(exc, entity, record_id, 422)
    found = issued(e, record_id)
    name = f"{e.name}-{record_id}.pdf" if found is None else f"{e.name}-{record_id}-issued.pdf"
    return pdf_response(data, name)


@hookimpl
def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    if slot != "record_header" or entity is None or record is None:
        return []
    try:
        entity_of(entity)
    except UnknownEntity:
        return []  # a plugin's own page for something that is not a record
    href = url_for("documents.record_pdf", entity=entity, record_id=record["id"])
    return [Fragment(_("PDF"), "slots/button.html", {"href": href, "label": _("PDF"), "icon": "file-type-pdf"},
                     priority=80)]


@hookimpl
def records_purged(entity: str, ids: list[int], session: Session) -> None:
    """A record purged for good keeps no document (its attachment goes with its other files)."""
    keeping.forget(session, entity, ids)


def register(app: Flask) -> None:
    """Mount the route, and this module's hook implementations beside the plugins'."""
    app.register_blueprint(bp)
    app.extensions["trato"].plugins.pm.register(sys.modules[__name__], name=NAME)
