"""Request ids: taken or made, sent back, and borne by the log lines of the jobs a request queues (issue 17)."""
from __future__ import annotations

import io
import json
import logging
import re

from trato.jobs import submit
from trato.logs import RequestIdFilter, assign_request_id


def _trato_handler() -> logging.StreamHandler:
    return next(h for h in logging.getLogger("trato").handlers
                if any(isinstance(f, RequestIdFilter) for f in h.filters))


def test_the_request_id_is_taken_from_the_caller_or_made_and_sent_back(app):
    client = app.test_client()
    assert client.get("/login", headers={"X-Request-ID": "edge-7.a_b"}).headers["X-Request-ID"] == "edge-7.a_b"
    made = client.get("/login", headers={"X-Request-ID": "not a token; DROP"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", made)
    assert re.fullmatch(r"[0-9a-f]{16}", client.get("/login").headers["X-Request-ID"])


def test_json_log_lines_of_a_job_bear_the_id_of_the_request_that_queued_it(make_app, samples):
    app = make_app(plugins=["greet"], extra_plugins=samples, log_format="json")
    handler = _trato_handler()
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        with app.test_request_context(headers={"X-Request-ID": "req-42"}):
            assign_request_id()
            job = submit("greet.count", title="Count greetings", upto=2)
        logging.getLogger("trato.test").info("after the request")
    finally:
        handler.setStream(previous)
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    finished = next(line for line in lines if line["message"] == f"job {job.id} finished: greet.count")
    assert finished["request_id"] == "req-42" and finished["level"] == "INFO" and finished["logger"] == "trato.jobs"
    assert set(finished) == {"time", "level", "logger", "message", "request_id"}
    assert lines[-1]["message"] == "after the request" and lines[-1]["request_id"] == "-"
