"""A message is sent exactly once across a worker killed outright (SIGKILL), with real `trato worker` processes
and a real SMTP server on loopback: killed before the content went, the next worker sends it; killed after, the
next worker marks it unknown for an admin and never sends it again."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

from trato.jobs import prepare_queue
from trato.mail import outbox
from trato.mail.models import OutboxMessage

from ..support.live import base_env


def _worker(app, port, log):
    settings = app.extensions["trato"].settings
    env = base_env(str(settings.instance_path), settings.database_url, "") | {
        "TRATO_SMTP_HOST": "127.0.0.1", "TRATO_SMTP_PORT": str(port), "TRATO_SMTP_FROM": "crm@example.com",
        "TRATO_MAIL_STALE_SECONDS": "1", "TRATO_LOG_LEVEL": "INFO"}
    with open(log, "a", encoding="utf-8") as out:
        return subprocess.Popen([sys.executable, "-m", "trato.cli", "worker", "--workers", "1"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _queue(app, subject):
    state = app.extensions["trato"]
    with app.app_context(), state.sessionmaker() as s:
        message = outbox.queue(s, sender="crm@example.com", to=["bob@example.net"], subject=subject, text="Hi")
        s.commit()
        outbox.wake()
        return message.id


def _state(app, message_id):
    with app.extensions["trato"].sessionmaker() as s:
        return s.get(OutboxMessage, message_id)


def _until(check, what, log, seconds=60.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    with open(log, encoding="utf-8") as f:
        raise AssertionError(f"{what} did not happen; worker log:\n{f.read()[-4000:]}")


def _kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=20)


def _app(make_app, port):
    app = make_app(jobs_immediate=False, smtp_host="127.0.0.1", smtp_port=port, smtp_from="crm@example.com",
                   mail_stale_seconds=1)
    prepare_queue(app.extensions["trato"].huey)
    return app


def test_killed_after_the_content_went_the_message_is_never_sent_again(make_app, smtp, tmp_path):
    inbox, port = smtp
    app, log = _app(make_app, port), str(tmp_path / "worker.log")
    inbox.hold.set()  # the server takes the message and keeps its answer back
    first = _worker(app, port, log)
    try:
        held = _queue(app, "the quote")
        _until(inbox.holding.is_set, "the server receiving the message", log)
        row = _state(app, held)
        assert row.state == "sending" and row.data_at is not None
    finally:
        _kill(first)
    inbox.release.set()
    time.sleep(1.2)  # the claim grows stale (mail_stale_seconds=1)
    second = _worker(app, port, log)
    try:
        _until(lambda: _state(app, held).state == "unknown", "the message marked unknown", log)
        after = _queue(app, "the next one")
        _until(lambda: _state(app, after).state == "sent", "the next message sent", log)
    finally:
        _kill(second)
    assert [m["Subject"] for m in inbox.messages] == ["the quote", "the next one"]
    assert _state(app, held).state == "unknown" and "may have been delivered" in _state(app, held).last_error


def test_killed_before_the_content_went_the_next_worker_sends_it_once(make_app, smtp, tmp_path):
    inbox, port = smtp
    app, log = _app(make_app, port), str(tmp_path / "worker.log")
    inbox.hold_rcpt.set()  # the server keeps its answer to RCPT back: the content has not gone
    first = _worker(app, port, log)
    try:
        held = _queue(app, "the invoice")
        _until(inbox.holding.is_set, "the server holding RCPT", log)
        assert _state(app, held).state == "sending" and _state(app, held).data_at is None
    finally:
        _kill(first)
    inbox.hold_rcpt.clear()
    inbox.release.set()
    time.sleep(1.2)
    second = _worker(app, port, log)
    try:
        _until(lambda: _state(app, held).state == "sent", "the message sent by the next worker", log)
    finally:
        _kill(second)
    assert [m["Subject"] for m in inbox.messages] == ["the invoice"]
    assert inbox.ids() == [_state(app, held).message_id]
