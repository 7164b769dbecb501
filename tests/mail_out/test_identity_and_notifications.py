"""A user's sender identity and signature (profile, Mail), and in-app notifications also sent by email to those
who asked for their kind."""
from __future__ import annotations

from email.header import decode_header, make_header

from trato import records
from trato.activity import followers
from trato.mail import outbox

from .test_send_from_record import _app, _records


def test_the_sender_identity_and_signature_are_used_by_mail_from_a_record(make_app, smtp, make_record, make_user,
                                                                          client_as):
    inbox, _port = smtp
    app = _app(make_app, smtp)
    user, account, _ann, _bob = _records(app, make_record, make_user)
    browser = client_as(user, app=app)
    refused = browser.post("/profile/mail", data={"sender_email": "nope", "signature": "x"})
    assert refused.status_code == 422 and "This is not an email address." in refused.get_data(as_text=True)
    saved = browser.post("/profile/mail", data={"sender_name": "Sara at Acme Sales",
                                                "sender_email": "Sara@Sales.example", "signature": "Sara\n555 123",
                                                "notify": ["reminder"]}, follow_redirects=True)
    assert "Your mail settings are saved." in saved.get_data(as_text=True)
    page = browser.get(f"/r/contacts_account/{account.id}/email").get_data(as_text=True)
    assert "-- \nSara\n555 123" in page  # the signature starts the message
    browser.post(f"/r/contacts_account/{account.id}/email", data={
        "to": "office@acme.example", "subject": "Hello", "body": "Hi!\n\n-- \nSara\n555 123"})
    (message,) = inbox.messages
    assert message["From"] == "Sara at Acme Sales <sara@sales.example>" and message["Reply-To"] == "sara@sales.example"


def test_followers_who_asked_get_a_change_by_email_in_their_language(make_app, smtp, make_record, make_user,
                                                                     client_as):
    inbox, _port = smtp
    app = _app(make_app, smtp)
    owner, account, _ann, _bob = _records(app, make_record, make_user)
    keen = make_user(name="Kim Keen", email="kim@example.com", locale="es", app=app, admin=True)
    quiet = make_user(name="Quinn Quiet", email="quinn@example.com", app=app, admin=True)
    client_as(keen, app=app).post("/profile/mail", data={"notify": ["change"]})
    with app.test_request_context():
        followers.follow(keen, "contacts_account", account.id)
        followers.follow(quiet, "contacts_account", account.id)
        records.update("contacts_account", account.id, {"name": "Acme Ltd"}, user=owner, version=None)
        outbox.deliver(app)
    (message,) = inbox.messages
    assert inbox.recipients == [["kim@example.com"]]
    body = message.get_payload(decode=True).decode()
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "Sara Sales cambió «Acme Ltd»: Nombre"
    assert f"/r/contacts_account/{account.id}" in body


def test_the_mail_settings_page_in_spanish(client_as):
    page = client_as("user").get("/profile/mail", headers={"Accept-Language": "es"})
    assert "Firma" in page.get_data(as_text=True)


def test_someone_given_an_activity_hears_of_it_in_the_app_and_by_email_if_asked(make_app, smtp, make_record,
                                                                               make_user, client_as):
    from trato import extras
    from trato.activity.notifications import latest

    inbox, _port = smtp
    app = _app(make_app, smtp)
    owner, account, _ann, _bob = _records(app, make_record, make_user)
    helper = make_user(name="Hal Helper", email="hal@example.com", app=app, admin=True)
    client_as(helper, app=app).post("/profile/mail", data={"notify": ["assignment"]})
    with app.test_request_context():
        extras.add_activity("contacts_account", account.id, owner, kind="call", subject="Call about renewal",
                            assignee_id=helper.id)
        extras.add_activity("contacts_account", account.id, owner, kind="task", subject="My own task")
        outbox.deliver(app)
        shown = [n.text for n in latest(helper)]
    assert shown == ["Sara Sales gave you an activity: Call about renewal (Acme)"]
    (message,) = inbox.messages
    assert inbox.recipients == [["hal@example.com"]]
    assert message["Subject"] == "Sara Sales gave you an activity: Call about renewal (Acme)"
