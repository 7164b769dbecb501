"""What the API reads from requests and writes on responses: JSON bodies, list parameters, ETags."""
from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, request

from ..i18n import _
from ..records import RecordData
from .problems import Problem

ANY = "*"
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
LIST_PARAMETERS = ("limit", "cursor", "sort", "q")
JSON_TYPES = ("application/json", "application/merge-patch+json")
ETAG = re.compile(r'\s*"([^"]*)"\s*(?:,|$)')


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_body() -> Any:
    """The request's JSON document: 415 unless it says it is JSON, 400 unless it is."""
    if request.mimetype not in JSON_TYPES:
        raise Problem(415, _("Unsupported media type"), _("Send the record as application/json."),
                      "unsupported-media-type", {"Content-Type": [_("Use application/json.")]})
    try:
        return json.loads(request.get_data(as_text=True), parse_constant=_refuse_constant)
    except ValueError as exc:
        raise Problem(400, _("Malformed JSON"), _("The request body is not valid JSON: %(reason)s", reason=exc),
                      "malformed-json", {"body": [_("Send a JSON object.")]}) from None


def fingerprint_body(body: Any) -> str:
    """One spelling of a JSON document, so that the same body in another key order compares equal."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def limit() -> int:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise Problem(400, _("Bad query parameter"), _("The limit must be a whole number from 1 to %(max)s.",
                                                       max=MAX_LIMIT),
                      "bad-query", {"limit": [_("Enter a whole number from 1 to %(max)s.", max=MAX_LIMIT)]})
    return int(raw)


def filters() -> list[tuple[str, str]]:
    """The query parameters that are filters: all but the list's own."""
    return [(key, value) for key, value in request.args.items(multi=True) if key not in LIST_PARAMETERS]


def if_match(required: bool) -> set[str] | None:
    """The versions `If-Match` accepts; None for `*` or (when not required) no header.

    Only strong tags count: a weak one (`W/"3"`) never matches, as RFC 9110 says.
    """
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise Problem(428, _("Precondition required"),
                          _("Send If-Match with the version you read (its ETag), so that no one's change is lost."),
                          "if-match-required", {"If-Match": [_("This header is required.")]})
        return None
    if header.strip() == ANY:
        return None
    return {match.group(1) for match in ETAG.finditer(header)}


def check_match(accepted: set[str] | None, record: RecordData) -> None:
    """412 unless the record is at a version `If-Match` accepts."""
    if accepted is not None and str(record.version) not in accepted:
        raise stale(record.version)


def stale(current: int | None) -> Problem:
    return Problem(412, _("Precondition failed"),
                   _("The record was changed since you read it (now at version %(version)s); nothing was written. "
                     "Read it again and repeat your change.", version=current),
                   "stale-record", {"If-Match": [_("The record is no longer at this version.")]})


def tagged(response: Response, record: RecordData) -> Response:
    """`response` with the record's version as its ETag."""
    response.set_etag(str(record.version))
    return response
