"""Logging with a request id on every line, so one request's lines can be found, its jobs' lines included.

The id comes from the request's `X-Request-ID` (nginx sets one) or is made
here, and is sent back in the response's `X-Request-ID`. A job queued
during a request carries it (jobs.submit), and the worker's lines while the
job runs bear it too. `log_format = "json"` writes one JSON object a line,
for a log collector; "text" (the default) is for people.
"""
from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone

from flask import Flask, Response, g, has_request_context, request

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
FORMATS = ("text", "json")
JOB_REQUEST_ID: ContextVar[str | None] = ContextVar("trato_job_request_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def current_request_id() -> str | None:
    """The id of the request being answered, or of the request that queued the running job."""
    if has_request_context() and g.get("request_id"):
        return str(g.request_id)
    return JOB_REQUEST_ID.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def assign_request_id() -> None:
    """Take the caller's `X-Request-ID` when it is a plain token, else make one."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex[:16]


def setup_logging(app: Flask, level: str, form: str = "text") -> None:
    root = logging.getLogger("trato")
    handler = next((h for h in root.handlers if any(isinstance(f, RequestIdFilter) for f in h.filters)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
        root.propagate = False
    handler.setFormatter(JsonFormatter() if form == "json" else logging.Formatter(TEXT_FORMAT))
    root.setLevel(level.upper())
    app.before_request(assign_request_id)

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response
