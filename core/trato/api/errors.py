"""The API's error handlers: every refusal, the engine's and werkzeug's, as problem+json."""
from __future__ import annotations

from flask import Blueprint, Response
from werkzeug.exceptions import HTTPException

from ..access import PermissionRefused
from ..entities import UnknownEntity
from ..i18n import _
from ..records import (
    QueryError, RecordLocked, RecordNotFound, RestoreBlocked, SaveRefused, StaleRecord, ValidationFailed,
)
from ..schema import SchemaError
from ..web import faults
from .http import stale
from .problems import Problem, field_messages, from_http


def _problem(problem: Problem) -> Response:
    return problem.response()


def _validation(err: ValidationFailed) -> Response:
    return Problem(422, _("Invalid values"), str(err), "validation-failed", field_messages(err.errors)).response()


def _refused(err: SaveRefused) -> Response:
    return Problem(422, _("Save refused"), str(err), "save-refused", {"_record": [str(err)]}).response()


def _locked(err: RecordLocked) -> Response:
    return Problem(409, _("Record locked"), str(err), "record-locked", {"_record": [str(err)]}).response()


def _schema(err: SchemaError) -> Response:
    return Problem(422, _("Schema change refused"), str(err), "schema-refused",
                   {err.field or "body": [str(err)]}).response()


def _query(err: QueryError) -> Response:
    return Problem(400, _("Bad query parameter"), str(err), "bad-query", {err.field or "query": [str(err)]}).response()


def _not_found(err: RecordNotFound | UnknownEntity) -> Response:
    if isinstance(err, UnknownEntity):
        detail = _("There is no entity called %(entity)r.", entity=err.entity)
        return Problem(404, _("Not found"), detail, "unknown-entity", {"entity": [detail]}).response()
    return Problem(404, _("Not found"), str(err), "record-not-found", {"id": [str(err)]}).response()


def _blocked(err: RestoreBlocked) -> Response:
    return Problem(409, _("Restore refused"), str(err), "restore-blocked", {err.field: [str(err)]}).response()


def _stale(err: StaleRecord) -> Response:
    return stale(err.current_version).response()


def _forbidden(err: PermissionRefused) -> Response:
    return Problem(403, _("Forbidden"), str(err), "forbidden", {"_record": [str(err)]}).response()


def _http(err: HTTPException) -> Response:
    fault = faults.response_for(getattr(err, "original_exception", None))  # a 500 that is a fault: 503 or 507
    return fault if fault is not None else from_http(err).response()


def register(bp: Blueprint) -> None:
    bp.register_error_handler(Problem, _problem)
    bp.register_error_handler(ValidationFailed, _validation)
    bp.register_error_handler(SaveRefused, _refused)
    bp.register_error_handler(RecordLocked, _locked)  # a SaveRefused, answered 409: the record's state refuses
    bp.register_error_handler(SchemaError, _schema)
    bp.register_error_handler(QueryError, _query)
    bp.register_error_handler(RecordNotFound, _not_found)
    bp.register_error_handler(UnknownEntity, _not_found)
    bp.register_error_handler(StaleRecord, _stale)
    bp.register_error_handler(RestoreBlocked, _blocked)
    bp.register_error_handler(PermissionRefused, _forbidden)
    bp.register_error_handler(HTTPException, _http)
