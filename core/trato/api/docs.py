"""The interactive API reference at /api/docs, for signed-in users.

The page runs the vendored Swagger UI (static files, no inline script, so
the Content-Security-Policy stays as strict as everywhere else). It reads
the OpenAPI document from /api/docs/openapi.json through the sign-in
session, since the API itself takes bearer tokens only; a reader who wants
to try a call pastes a token in "Authorize".
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template
from flask_login import current_user, login_required

from . import openapi

bp = Blueprint("api_docs", __name__, url_prefix="/api/docs")


@bp.get("")
@login_required
def page() -> str:
    return render_template("api/docs.html")


@bp.get("/openapi.json")
@login_required
def document() -> Response:
    """The same document as /api/v1/openapi.json, in the reader's language and as their role lets them see it."""
    return jsonify(openapi.document(current_user))
