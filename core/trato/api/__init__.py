"""The REST API at /api/v1: every enabled entity's records, authenticated by bearer tokens only.

No session cookie is read, so the API needs no CSRF token: a request
carries its credentials in `Authorization`, which a browser never adds on
its own to a cross-site request.
"""
from __future__ import annotations

from flask import Blueprint, g, request

from .. import tokens
from ..i18n import _
from ..security import csrf
from . import guard
from .problems import Problem

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@bp.before_request
def _authenticate() -> None:
    g.api_user, g.api_scope = guard.admit()
    needed = tokens.READ if request.method in READ_METHODS else tokens.WRITE
    if not tokens.allows(g.api_scope, needed):
        raise Problem(403, _("Forbidden"), _("This token may only read; make a read and write token to change "
                                             "records."), "read-only-token",
                      {"Authorization": [_("The token's scope is read only.")]})


# The routes and handlers register on `bp`.
from . import actions, aggregates, bulk, errors, extras, meta, meta_roles, openapi, shares, views  # noqa: E402,F401
from ..mailin import api as _mail_in  # noqa: E402,F401

errors.register(bp)
