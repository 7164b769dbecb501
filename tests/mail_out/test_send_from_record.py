"""Mail from a record's page: the Email button, addresses offered from related contacts, files attached (the
record's kept PDF and a new upload), the message on the real SMTP server, and on the timelines of the record and
of the contacts it went to."""
from __future__ import annotations

import io

from sqlalchemy import select

from trato import extras
from trato.mail.models import OutboxMessage


def _app(make_app, smtp):
    _inbox, port = smtp
    return make_app(plugins=["contacts"], smtp_host="127.0.0.1", smtp_port=port, smtp_from="crm@example.com")


def _records(app, make_record, make_user):
    user = make_user(name="Sara Sales", app=app)
    account = make_record("contacts_account", owner=user, app=app, name="Acme", email="office@acme.example")
    ann = make_record("contacts_contact", owner=user, app=app, first_name="Ann", last_name="Archer",
                      email="ann@acme.example", account_id=account.id)
    bob = make_record("contacts_contact", owner=user, app=app, first_name="Bob", last_name="Baker",
                      email="bob@acme.example", account_id=account.id)
    return user, account, ann, bob


def test_an_email_from_an_account_reaches_the_server_and_every_timeline(make_app, smtp, make_record, make_user,
                                                                          client_as):
    inbox, _port = smtp
    app = _app(make_app, smtp)
    user, account, ann, bob = _records(app, make_record, make_user)
    with app.app_context():
        kept = extras.attach("contacts_account", account.id, "quote.pdf", io.BytesIO(b"%PDF-1.4 the quote"), user,
                             kept=True)
    browser = client_as(user, app=app)
    detail = browser.get(f"/r/contacts_account/{account.id}").get_data(as_text=True)
    assert f'href="/r/contacts_account/{account.id}/email"' in detail
    page = browser.get(f"/r/contacts_account/{account.id}/email").get_data(as_text=True)
    assert "Acme &lt;office@acme.example&gt;" in page and "Ann Archer &lt;ann@acme.example&gt;" in page
    assert "quote.pdf (kept PDF)" in page
    sent = browser.post(f"/r/contacts_account/{account.id}/email", data={
        "to": "Ann Archer <ann@acme.example>", "cc": "office@acme.example", "bcc": "", "template": "0",
        "subject": "Your quote", "body": "Dear Ann,\n\nhere is the quote.", "attachments": [str(kept.id)],
        "files": [(io.BytesIO(b"Terms and conditions\n"), "terms.txt")],
    }, content_type="multipart/form-data")
    assert sent.status_code == 302, sent.get_data(as_text=True)
    (message,) = inbox.messages
    assert inbox.recipients == [["ann@acme.example", "office@acme.example"]]
    assert message["Subject"] == "Your quote" and message["To"] == "Ann Archer <ann@acme.example>"
    assert message["From"] == "Sara Sales <crm@example.com>" and message["Reply-To"] == user.email
    files = {p.get_filename(): p.get_payload(decode=True) for p in message.walk() if p.get_filename()}
    assert files == {"quote.pdf": b"%PDF-1.4 the quote", "terms.txt": b"Terms and conditions\n"}
    with app.extensions["trato"].sessionmaker() as s:
        row = s.scalars(select(OutboxMessage)).one()
        assert (row.entity, row.record_id, row.state) == ("contacts_account", account.id, "sent")
    on_account = browser.get(f"/r/contacts_account/{account.id}/timeline?kind=emails").get_data(as_text=True)
    assert "Sara Sales emailed Ann Archer &lt;ann@acme.example&gt;" in on_account and "Your quote" in on_account
    assert "Your quote" in browser.get(f"/r/contacts_contact/{ann.id}/timeline").get_data(as_text=True)
    assert "Your quote" not in browser.get(f"/r/contacts_contact/{bob.id}/timeline").get_data(as_text=True)


def test_the_compose_form_says_what_is_wrong_by_field(make_app, smtp, make_record, make_user, client_as):
    inbox, _port = smtp
    app = _app(make_app, smtp)
    user, account, _ann, _bob = _records(app, make_record, make_user)
    browser = client_as(user, app=app)
    url = f"/r/contacts_account/{account.id}/email"
    bad = browser.post(url, data={"to": "not an address", "subject": "Hi", "body": "Text"},
                       headers={"HX-Request": "true"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "“not an address” is not an email address." in text
    assert 'id="to-error"' in text and "<html" not in text  # the form alone, for HTMX to swap
    empty = browser.post(url, data={"to": "ann@acme.example", "subject": "", "body": "Text"})
    assert empty.status_code == 422 and "Write a subject." in empty.get_data(as_text=True)
    foreign = browser.post(url, data={"to": "ann@acme.example", "subject": "S", "body": "B", "attachments": "99999"})
    assert foreign.status_code == 422 and "Attach only this record" in foreign.get_data(as_text=True)
    assert inbox.messages == []


def test_a_record_the_user_may_not_see_cannot_be_mailed_from(make_app, smtp, make_record, make_user, client_as):
    app = _app(make_app, smtp)
    _user, account, _ann, _bob = _records(app, make_record, make_user)
    other = client_as(make_user(app=app), app=app)
    assert other.get(f"/r/contacts_account/{account.id}/email").status_code == 404


def test_the_compose_page_in_spanish(make_app, smtp, make_record, make_user, client_as):
    app = _app(make_app, smtp)
    user, account, _ann, _bob = _records(app, make_record, make_user)
    page = client_as(user, app=app).get(f"/r/contacts_account/{account.id}/email", headers={"Accept-Language": "es"})
    text = page.get_data(as_text=True)
    assert "Correo sobre Acme" in text and "Adjuntar archivos nuevos" in text


def test_a_purged_record_drops_off_the_mail_links_and_the_message_stays(make_app, smtp, make_record, make_user,
                                                                        client_as):
    from trato.mail.models import OutLink
    from trato.records.purge import purge_record

    app = _app(make_app, smtp)
    user, account, ann, _bob = _records(app, make_record, make_user)
    client_as(user, app=app).post(f"/r/contacts_contact/{ann.id}/email", data={
        "to": "ann@acme.example", "subject": "Hello Ann", "body": "Hi"})
    with app.test_request_context():
        from trato import records

        records.delete("contacts_contact", ann.id, user=user)
        purge_record("contacts_contact", ann.id, user=make_user(admin=True, app=app))
    with app.extensions["trato"].sessionmaker() as s:
        assert s.scalars(select(OutLink)).all() == []
        assert s.scalars(select(OutboxMessage.subject)).all() == ["Hello Ann"]
