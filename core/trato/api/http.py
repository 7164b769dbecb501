"""What the API reads from requests and writes on responses: JSON bodies, list parameters, ETags."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
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
# Deeper than any record, entity or bulk body; what reads a body recursively (validation, error messages,
# fingerprints) then never meets a depth near the interpreter's recursion limit.
MAX_DEPTH = 32
ETAG = re.compile(r'\s*"([^"]*)"\s*(?:,|$)')
SURROGATE = re.compile("[\ud800-\udfff]")
BAD_BYTE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as the surrogateescape handler keeps it
LONE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # a \uD800-\uDFFF escape: perhaps half a pair, perhaps alone


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_body() -> Any:
    """The request's JSON document: 415 unless it says it is JSON, 400 unless it is, in UTF-8 throughout.

    The body is decoded strictly: a byte that is not UTF-8 is refused (400),
    naming the field whose value holds it, never stored as U+FFFD.
    """
    if request.mimetype not in JSON_TYPES:
        raise Problem(415, _("Unsupported media type"), _("Send the record as application/json."),
                      "unsupported-media-type", {"Content-Type": [_("Use application/json.")]})
    raw = request.get_data()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", "surrogateescape")  # each bad byte kept as a lone surrogate, to find it
        first = exc
    else:
        first = None
    try:
        body = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:
        if first is not None:
            raise _not_utf8(first, {"body": [_("Send the body encoded as UTF-8.")]}) from None
        raise Problem(400, _("Malformed JSON"), _("The request body is not valid JSON: %(reason)s", reason=exc),
                      "malformed-json", {"body": [_("Send a JSON object.")]}) from None
    if _nested_deeper(body):
        raise _too_deep()
    if first is not None or LONE_ESCAPE.search(text):
        errors = {path: [_not_text_message(value, first is not None)] for path, value in not_text(body)}
        if errors:
            raise _not_utf8(first, errors)
    return body


def json_object() -> Mapping[str, Any]:
    """The request's JSON body, which must be an object: a 400 naming `body` otherwise."""
    body = json_body()
    if not isinstance(body, Mapping):
        raise Problem(400, _("Malformed JSON"), _("The request body must be a JSON object."), "malformed-json",
                      {"body": [_("Send a JSON object.")]})
    return body


def not_text(document: Any) -> list[tuple[str, str]]:
    """(path, string) of every key or string value of `document` holding a lone surrogate, in document order.

    A path reads like the API's field errors: `name`, `records.1.city`,
    `label.es`. Walked without recursion, so that no depth of nesting
    can exhaust the stack.
    """
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if SURROGATE.search(value):
                found.append((path or "body", value))
            continue
        if isinstance(value, dict):
            items = [(str(key), item) for key, item in value.items()]
        elif isinstance(value, list):
            items = [(str(index), item) for index, item in enumerate(value)]
        else:
            continue
        for key, item in reversed(items):
            name = f"{path}.{key}" if path else key
            if SURROGATE.search(key):
                found.append((_readable(name), key))
            stack.append((_readable(name), item))
    return found


def _readable(text: str) -> str:
    """`text` with what is not text shown as U+FFFD, so that it can travel in a JSON answer."""
    return SURROGATE.sub("\ufffd", text)


def _not_text_message(value: str, bad_bytes: bool) -> str:
    if bad_bytes:
        shown = ", ".join(f"0x{ord(char) - 0xDC00:02X}" for char in BAD_BYTE.findall(value)[:5])
        return _("This text holds bytes that are not UTF-8 (%(bytes)s). Send it encoded as UTF-8.", bytes=shown)
    shown = ", ".join(f"\\u{ord(char):04x}" for char in SURROGATE.findall(value)[:5])
    return _("This text holds %(escapes)s, half of a surrogate pair, which is not a character.", escapes=shown)


def _not_utf8(first: UnicodeDecodeError | None, errors: dict[str, list[str]]) -> Problem:
    """400: the body is not UTF-8 (or holds escapes that are not text); `first` says where its first bad byte is."""
    if first is None:
        detail = _("The request body holds text that is not Unicode; nothing was written.")
    else:
        detail = _("The request body is not UTF-8: byte %(offset)s (0x%(byte)s) cannot be read; nothing was "
                   "written.", byte=f"{first.object[first.start]:02X}", offset=first.start)
    return Problem(400, _("Not UTF-8"), detail, "invalid-encoding", errors)


def _nested_deeper(document: Any) -> bool:
    """Whether `document` nests objects and arrays more than MAX_DEPTH levels deep (walked level by level,
    without recursion)."""
    level = [document]
    for _depth in range(MAX_DEPTH):
        level = [child for value in level if isinstance(value, (dict, list))
                 for child in (value.values() if isinstance(value, dict) else value)]
        if not level:
            return False
    return any(isinstance(value, (dict, list)) for value in level)


def _too_deep() -> Problem:
    return Problem(400, _("Malformed JSON"), _("The request body nests objects and arrays too deeply."),
                   "malformed-json", {"body": [_("Send a JSON document nested at most %(depth)s levels deep.",
                                                 depth=MAX_DEPTH)]})


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
