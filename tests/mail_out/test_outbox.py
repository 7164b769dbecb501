"""The outbox against a real SMTP server on loopback: sent once, refused for good (5xx) or for now (4xx), a
server that hangs up, an hourly limit, and an admin's retry and cancel."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from trato import mail, throttle
from trato.mail import outbox
from trato.mail.models import OutboxMessage
from trato.models import utcnow


def _queue(app, **values):
    state = app.extensions["trato"]
    with app.app_context(), state.sessionmaker() as s:
        message = mail.queue(s, sender="Ann <crm@example.com>", to=values.pop("to", ["bob@example.net"]),
                               subject=values.pop("subject", "Your quote"), text=values.pop("text", "Hello Bob"),
                               **values)
        s.commit()
        return message.id


def _row(app, message_id):
    with app.extensions["trato"].sessionmaker() as s:
        return s.get(OutboxMessage, message_id)


def _deliver(app):
    with app.app_context():
        return outbox.deliver(app)


def test_a_queued_message_is_sent_once_with_its_headers(mail_app, smtp):
    inbox, _port = smtp
    first = _queue(mail_app, cc=["carol@example.net"], bcc=["dave@example.net"], html="<p>Hello <b>Bob</b></p>",
                   reply_to="ann@example.com")
    with mail_app.app_context():
        mail.wake()  # jobs run in-process in tests: the job sends it now
    assert _deliver(mail_app) == {}  # nothing left to send: a second run sends nothing again
    row = _row(mail_app, first)
    assert row.state == "sent" and row.attempts == 1 and row.sent_at is not None and "250" in row.last_error
    (message,) = inbox.messages
    assert inbox.recipients == [["bob@example.net", "carol@example.net", "dave@example.net"]]
    assert message["Message-ID"] == f"<{row.message_id}>" and message["Subject"] == "Your quote"
    assert message["Cc"] == "carol@example.net" and message["Bcc"] is None
    assert message["Reply-To"] == "ann@example.com" and message["From"] == "Ann <crm@example.com>"
    assert message["X-Trato-Outbox"] == str(row.id) and message["Auto-Submitted"] == "no"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in message.walk()
             if not p.is_multipart()}
    assert parts["text/plain"].strip() == "Hello Bob" and "<b>Bob</b>" in parts["text/html"]


def test_a_permanent_refusal_fails_the_message_with_the_servers_reason(mail_app, smtp):
    inbox, _port = smtp
    inbox.data_answer = "550 5.1.1 No such user here"
    sent = _queue(mail_app)
    assert _deliver(mail_app) == {"failed": 1}
    row = _row(mail_app, sent)
    assert row.state == "failed" and "550 5.1.1 No such user here" in row.last_error and inbox.messages == []
    assert _deliver(mail_app) == {}  # never tried again by itself


def test_a_passing_refusal_is_tried_again_later_then_sent(mail_app, smtp):
    inbox, _port = smtp
    inbox.data_answer = "451 4.3.0 Try again later"
    sent = _queue(mail_app)
    before = utcnow()
    assert _deliver(mail_app) == {"queued": 1}
    row = _row(mail_app, sent)
    assert row.state == "queued" and row.attempts == 1 and "451 4.3.0 Try again later" in row.last_error
    wait = row.next_attempt_at - before
    assert timedelta(seconds=55) < wait < timedelta(seconds=65)
    assert _deliver(mail_app) == {}  # not yet due
    inbox.data_answer = None
    with mail_app.extensions["trato"].sessionmaker() as s, s.begin():
        s.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    assert _deliver(mail_app) == {"sent": 1}
    assert _row(mail_app, sent).attempts == 2 and len(inbox.messages) == 1


def test_back_off_doubles_up_to_six_hours():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert outbox.backoff(30) == timedelta(hours=6)


def test_the_last_try_fails_the_message(make_app, smtp):
    inbox, port = smtp
    app = make_app(smtp_host="127.0.0.1", smtp_port=port, mail_max_attempts=2)
    inbox.data_answer = "452 4.2.2 Mailbox full"
    sent = _queue(app)
    assert _deliver(app) == {"queued": 1}
    with app.extensions["trato"].sessionmaker() as s, s.begin():
        s.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    assert _deliver(app) == {"failed": 1}
    assert _row(app, sent).state == "failed" and "452 4.2.2 Mailbox full" in _row(app, sent).last_error


def test_a_server_that_hangs_up_before_the_content_means_try_again(mail_app, smtp):
    inbox, _port = smtp
    inbox.hang_up_at = "rcpt"
    sent = _queue(mail_app)
    assert _deliver(mail_app) == {"queued": 1}
    assert _row(mail_app, sent).state == "queued" and inbox.messages == []


def test_a_server_that_hangs_up_after_the_content_leaves_the_message_unknown(mail_app, smtp):
    inbox, _port = smtp
    inbox.hang_up_at = "data"
    sent = _queue(mail_app)
    assert _deliver(mail_app) == {"unknown": 1}
    row = _row(mail_app, sent)
    assert row.state == "unknown" and "may have been delivered or not" in row.last_error
    assert len(inbox.messages) == 1
    inbox.hang_up_at = None
    assert _deliver(mail_app) == {}  # never sent again by itself
    assert len(inbox.messages) == 1


def test_a_server_that_is_not_there_means_try_again(make_app):
    from ..support.smtp import free_port

    app = make_app(smtp_host="127.0.0.1", smtp_port=free_port())
    sent, other = _queue(app), _queue(app)
    assert _deliver(app) == {"queued": 1}  # the batch stops at the first: the others would fail the same way
    row = _row(app, sent)
    assert row.state == "queued" and "refused" in row.last_error.lower() and row.attempts == 1
    assert _row(app, other).attempts == 0


def test_the_hourly_limit_holds_what_is_over_it_for_later(make_app, smtp, monkeypatch):
    inbox, port = smtp
    app = make_app(smtp_host="127.0.0.1", smtp_port=port, mail_per_hour=2)
    ids = [_queue(app, subject=f"n{i}") for i in range(3)]
    assert _deliver(app) == {"sent": 2, "postponed": 1}
    held = _row(app, ids[2])
    assert held.state == "queued" and held.attempts == 0 and "hourly limit" in held.last_error
    assert len(inbox.messages) == 2
    assert _deliver(app) == {}  # held until the hour is over
    later = throttle.clock() + 3601
    monkeypatch.setattr(throttle, "clock", lambda: later)
    with app.extensions["trato"].sessionmaker() as s, s.begin():
        s.execute(update(OutboxMessage).where(OutboxMessage.id == ids[2]).values(next_attempt_at=utcnow()))
    assert _deliver(app) == {"sent": 1}
    assert sorted(m["Subject"] for m in inbox.messages) == ["n0", "n1", "n2"]


def test_two_workers_at_once_send_each_message_once(mail_app, smtp):
    import threading

    inbox, _port = smtp
    ids = [_queue(mail_app, subject=f"m{i}") for i in range(12)]
    threads = [threading.Thread(target=_deliver, args=(mail_app,)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(m["Subject"] for m in inbox.messages) == sorted(f"m{i}" for i in range(12))
    with mail_app.extensions["trato"].sessionmaker() as s:
        assert set(s.scalars(select(OutboxMessage.state).where(OutboxMessage.id.in_(ids)))) == {"sent"}


def test_a_stale_claim_is_queued_again_before_the_content_and_unknown_after(mail_app, smtp):
    inbox, _port = smtp
    _queue(mail_app, subject="before")
    after = _queue(mail_app, subject="after")
    long_ago = utcnow() - timedelta(hours=1)
    with mail_app.extensions["trato"].sessionmaker() as s, s.begin():
        s.execute(update(OutboxMessage).values(state="sending", claim_token="dead", claimed_at=long_ago))
        s.execute(update(OutboxMessage).where(OutboxMessage.id == after).values(data_at=long_ago))
    with mail_app.app_context():
        assert outbox.recover(mail_app) == {"queued": 1, "unknown": 1}
        assert outbox.recover(mail_app) == {"queued": 0, "unknown": 0}
    assert _deliver(mail_app) == {"sent": 1}
    assert [m["Subject"] for m in inbox.messages] == ["before"]
    assert _row(mail_app, after).state == "unknown"


def test_the_migration_makes_what_the_models_describe(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from trato.db import Base

    mine = {"core_mail_outbox", "core_mail_out_link", "core_mail_template", "core_mail_profile"}
    with app.extensions["trato"].engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert [d for d in diffs if mine & set(str(d).replace("'", " ").replace('"', " ").split())] == []
