"""Errors as `application/problem+json` (RFC 9457), each with the fields it concerns.

Every refusal of the API is a `Problem`: a status, a short title, a detail
for a person, and `errors` mapping a field (or a header, or a query
parameter) to its messages, so that a client can show each message where it
belongs. `type` names the kind of problem; `about:blank` means the status
says it all.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

from ..i18n import _

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:trato:problem:"


class Problem(Exception):
    """An API refusal; `kind` becomes the problem's `type` (`urn:trato:problem:<kind>`)."""

    def __init__(self, status: int, title: str, detail: str, kind: str | None = None,
                 errors: Mapping[str, list[str]] | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {"type": TYPE_PREFIX + self.kind if self.kind else "about:blank", "title": self.title,
                "status": self.status, "detail": self.detail, "errors": self.errors}

    def response(self) -> Response:
        response = Response(json.dumps(self.body()), self.status, mimetype=MEDIA_TYPE)
        response.headers.update(self.headers)
        return response


def field_messages(errors: Mapping[Any, Any]) -> dict[str, list[str]]:
    """marshmallow-style errors flattened to `{field: [messages]}` (`amount.currency` for nested ones)."""
    out: dict[str, list[str]] = {}
    for key, value in errors.items():
        if isinstance(value, Mapping):
            # A parent's lines by their index (records.lines.ByLine): a JSON pointer into the body, "lines/2/quantity".
            joiner = "/" if getattr(value, "by_line", False) else "."
            for inner, messages in field_messages(value).items():
                out[f"{key}{joiner}{inner}"] = messages
        elif isinstance(value, (list, tuple)):
            flat = [m for m in value if not isinstance(m, (Mapping, list, tuple))]
            out[str(key)] = [str(m) for m in flat]
            for index, item in enumerate(m for m in value if isinstance(m, Mapping)):
                for inner, messages in field_messages(item).items():
                    out[f"{key}.{index}.{inner}"] = messages
        else:
            out[str(key)] = [str(value)]
    return out


def from_http(err: HTTPException) -> Problem:
    """A werkzeug error (404 of an unknown URL, 405, 413, ...) as a problem."""
    status = err.code or 500
    headers = {"Allow": ", ".join(err.valid_methods)} if getattr(err, "valid_methods", None) else {}
    return Problem(status, err.name, err.description or err.name, headers=headers)


def unauthorized() -> Problem:
    return Problem(401, _("Not authenticated"),
                   _("Send a valid API token: Authorization: Bearer trato_..."), "unauthenticated",
                   {"Authorization": [_("A valid bearer token is required.")]},
                   {"WWW-Authenticate": 'Bearer realm="trato"'})
