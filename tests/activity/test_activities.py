"""Activities: added in the user's time zone and stored in UTC, my activities page, reminders once, the feed."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from trato import records
from trato.activity import activities, reminders
from trato.activity.models import Activity, Notification
from trato.activity.notifications import REMINDER
from trato.models import utcnow
from trato.testing import signed_in_client

from .conftest import HX, rows, text


def test_an_activity_is_stored_in_utc_and_shown_in_the_users_zone(trade_app, make_user, account):
    madrid = make_user("marta@example.com", admin=True, name="Marta", timezone="Europe/Madrid")
    client = signed_in_client(trade_app, madrid)
    answer = client.post(f"/r/trade_account/{account.id}/activities", headers=HX, data={
        "kind": "meeting", "subject": "Demo", "due_at": "2027-01-15T10:30", "assignee_id": str(madrid.id),
        "reminder_minutes": "15", "description": "Bring the price list"})
    assert answer.status_code == 200
    [activity] = rows(trade_app, Activity)
    assert activity.due_at == datetime(2027, 1, 15, 9, 30, tzinfo=timezone.utc)  # CET is UTC+1 in January
    assert activity.remind_at == datetime(2027, 1, 15, 9, 15, tzinfo=timezone.utc)
    assert "Meeting" in text(answer) and "Demo" in text(answer) and "10:30" in text(answer)


def test_bad_activity_input_is_refused_at_the_field(trade_app, as_ana, account):
    answer = as_ana.post(f"/r/trade_account/{account.id}/activities", headers=HX,
                         data={"kind": "task", "subject": "Call back", "reminder_minutes": "10"})
    assert answer.status_code == 422
    page = text(answer)
    assert "A reminder needs a due date." in page
    assert 'id="activity-reminder_minutes-error"' in page and 'value="Call back"' in page
    answer = as_ana.post(f"/r/trade_account/{account.id}/activities", headers=HX,
                         data={"kind": "task", "subject": "x", "due_at": "tomorrow"})
    assert "Give the date and time as YYYY-MM-DD HH:MM." in text(answer)
    assert rows(trade_app, Activity) == []


def _activity(app, account, user, **values):
    with app.test_request_context():
        return activities.add("trade_account", account.id, values, user).id


def test_my_activities_groups_by_when_and_marks_done_with_htmx(trade_app, as_ana, ana, account):
    now = utcnow()
    _activity(trade_app, account, ana, kind="call", subject="Late call", due_at=now - timedelta(days=2))
    _activity(trade_app, account, ana, kind="task", subject="Later task", due_at=now + timedelta(days=3))
    undated = _activity(trade_app, account, ana, kind="task", subject="Someday")
    page = text(as_ana.get("/activities"))
    overdue = page[page.index('id="agenda-overdue"'):page.index('id="agenda-today"')]
    upcoming = page[page.index('id="agenda-upcoming"'):page.index('id="agenda-done"')]
    assert "Late call" in overdue and "Later task" in upcoming and "Someday" in upcoming
    answer = as_ana.post(f"/r/trade_account/{account.id}/activities/{undated}/done",
                         data={"done": "1", "view": "agenda"}, headers=HX)
    done = text(answer)[text(answer).index('id="agenda-done"'):]
    assert "Someday" in done and "<html" not in text(answer)
    # The dashboard widget shows what is overdue.
    home = text(as_ana.get("/"))
    assert "My activities" in home and "Late call" in home


def test_activities_of_a_record_in_the_recycle_bin_are_hidden_until_restored(trade_app, as_ana, ana, account):
    _activity(trade_app, account, ana, kind="task", subject="Follow up", due_at=utcnow() + timedelta(hours=1))
    with trade_app.app_context():
        records.delete("trade_account", account.id, user=None)
    assert "Follow up" not in text(as_ana.get("/activities"))
    assert as_ana.get(f"/r/trade_account/{account.id}/timeline").status_code == 404
    with trade_app.app_context():
        records.restore("trade_account", account.id, user=None)
    assert "Follow up" in text(as_ana.get("/activities"))


def test_a_reminder_is_delivered_once_however_often_the_job_runs(trade_app, as_ana, ana, bruno, account,
                                                                 monkeypatch):
    from trato import jobs

    due = utcnow() + timedelta(minutes=10)
    _activity(trade_app, account, ana, kind="call", subject="Ring Marta", due_at=due, reminder_minutes=30,
              assignee_id=bruno.id)
    _activity(trade_app, account, ana, kind="call", subject="Not yet", due_at=due + timedelta(days=1),
              reminder_minutes=30, assignee_id=bruno.id)
    task = trade_app.extensions["trato"].tasks["core.send_reminders"]
    assert task.call_local() == 1
    monkeypatch.setattr(jobs, "utcnow", lambda: utcnow() + timedelta(minutes=1))  # the next minute's run
    assert task.call_local() == 0
    with trade_app.app_context():
        assert reminders.deliver_due() == 0
    sent = rows(trade_app, Notification, Notification.kind == REMINDER)  # Bruno also heard he was given both
    assert [(n.user_id, n.kind, n.data["subject"]) for n in sent] == [(bruno.id, REMINDER, "Ring Marta")]
    page = text(signed_in_client(trade_app, bruno).get("/notifications"))
    assert "Reminder: Ring Marta (Acme Ibérica)" in page


def test_two_workers_racing_send_a_reminder_once(trade_app, ana, bruno, account):
    """Worker A finds the reminder due, worker B sends it first; A's claim then finds it taken."""
    _activity(trade_app, account, ana, kind="task", subject="Renew", due_at=utcnow() + timedelta(minutes=5),
              reminder_minutes=10, assignee_id=bruno.id)
    with trade_app.app_context():
        seen_by_a = reminders.due_now()
        assert [a.subject for a in seen_by_a] == ["Renew"]
        with trade_app.app_context():  # worker B: a session of its own
            assert reminders.deliver_due() == 1
        assert reminders.deliver(seen_by_a) == 0
    assert len(rows(trade_app, Notification, Notification.kind == REMINDER)) == 1


def _unfold(body: str) -> list[str]:
    assert body.endswith("\r\n")
    physical = body[:-2].split("\r\n")
    for line in physical:
        assert len(line.encode()) <= 75, line
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_the_calendar_feed_at_a_secret_url(trade_app, as_ana, ana, account):
    subject = "Meeting, budget; review \\ plan"
    description = "Línea uno\nAñadir más detalle: " + "ñ" * 80
    _activity(trade_app, account, ana, kind="meeting", subject=subject, description=description,
              due_at=datetime(2027, 3, 1, 8, 0, tzinfo=timezone.utc), reminder_minutes=15)
    _activity(trade_app, account, ana, kind="task", subject="Send offer",
              due_at=datetime(2027, 3, 2, 17, 0, tzinfo=timezone.utc))
    page = text(as_ana.post("/activities/feed-token"))
    url = re.search(r'value="(http[^"]+\.ics)"', page).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = trade_app.test_client().get("/" + path)  # no session: the secret is the credential
    assert feed.status_code == 200 and feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    lines = _unfold(feed.get_data(as_text=True))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR" and "VERSION:2.0" in lines
    event = lines[lines.index("BEGIN:VEVENT") + 1:lines.index("BEGIN:VALARM")]  # the event's own properties
    props = dict(line.split(":", 1) for line in event)
    assert _unescape(props["SUMMARY"]) == subject
    assert props["SUMMARY"] == "Meeting\\, budget\\; review \\\\ plan"
    assert _unescape(props["DESCRIPTION"]).startswith(description + "\n\nAcme Ibérica http")
    assert props["DTSTART"] == "20270301T080000Z" and props["DTEND"] == "20270301T083000Z"
    assert re.fullmatch(r"\d{8}T\d{6}Z", props["DTSTAMP"]) and props["UID"].startswith("activity-")
    assert "TRIGGER:-PT15M" in lines
    todo = lines[lines.index("BEGIN:VTODO"):lines.index("END:VTODO") + 1]
    assert "DUE:20270302T170000Z" in todo and "SUMMARY:Send offer" in todo
    # A new address ends the old one; a wrong one is a 404.
    as_ana.post("/activities/feed-token")
    assert trade_app.test_client().get("/" + path).status_code == 404
