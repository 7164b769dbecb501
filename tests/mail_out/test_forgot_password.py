"""Forgot password: a link by mail through the outbox and a real SMTP server, the same answer for known and
unknown addresses, a throttle that says nothing either, and the link that sets the password."""
from __future__ import annotations

import re

from sqlalchemy import select

from trato.mail.models import OutboxMessage
from trato.security_log import SecurityEvent

from ..support.accounts import sign_in

NEW_PASSWORD = "a-brand-new-password"


def _ask(client, address):
    return client.post("/password/forgot", data={"email": address})


def _page_text(response):
    """The page without what differs by request (the CSRF token)."""
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def test_the_sign_in_page_leads_to_the_forgot_form(mail_app):
    page = mail_app.test_client().get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot password?" in page
    assert "Enter the email address you sign in with" in mail_app.test_client().get("/password/forgot").get_data(
        as_text=True)


def test_a_known_address_gets_a_link_that_sets_the_password(mail_app, smtp, make_user):
    inbox, _port = smtp
    make_user(email="ann@example.com", name="Ann", app=mail_app)
    answer = _ask(mail_app.test_client(), "Ann@Example.com")
    assert answer.status_code == 200 and "a link to choose a new password is on its way" in answer.get_data(
        as_text=True)
    (message,) = inbox.messages
    assert inbox.recipients == [["ann@example.com"]] and message["Subject"] == "Choose a new Trato password"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"https://crm\.example\.com(/password/\S+)", body).group(1)
    assert "Hello Ann," in body and "your password stays as it is" in body
    client = mail_app.test_client()
    done = client.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is set. Sign in with it." in done.get_data(as_text=True)
    assert sign_in(mail_app.test_client(), "ann@example.com", NEW_PASSWORD).headers["Location"] == "/"
    assert client.get(link).status_code == 404  # used up
    with mail_app.extensions["trato"].sessionmaker() as s:
        event = s.scalars(select(SecurityEvent).where(SecurityEvent.kind == "password_reset")).one()
        assert event.detail == {"method": "self-service"} and event.actor_id is None


def test_known_and_unknown_addresses_get_the_same_answer(mail_app, smtp, make_user):
    inbox, _port = smtp
    make_user(email="ann@example.com", app=mail_app)
    make_user(email="gone@example.com", app=mail_app, active=False)
    known = _ask(mail_app.test_client(), "ann@example.com")
    unknown = _ask(mail_app.test_client(), "nobody@example.com")
    inactive = _ask(mail_app.test_client(), "gone@example.com")
    assert known.status_code == unknown.status_code == inactive.status_code == 200
    assert _page_text(known).replace("ann@example.com", "X") == _page_text(unknown).replace("nobody@example.com", "X")
    assert _page_text(known).replace("ann@example.com", "X") == _page_text(inactive).replace("gone@example.com", "X")
    assert inbox.recipients == [["ann@example.com"]]


def test_asking_too_often_is_refused_alike_for_known_and_unknown(mail_app, smtp, make_user):
    inbox, _port = smtp
    make_user(email="ann@example.com", app=mail_app)
    client = mail_app.test_client()
    for _n in range(3):
        assert _ask(client, "ann@example.com").status_code == 200
        assert _ask(client, "nobody@example.com").status_code == 200
    known, unknown = _ask(client, "ann@example.com"), _ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 429 and "Retry-After" in known.headers
    assert "Too many requests for a new password" in known.get_data(as_text=True)
    assert _page_text(known).replace("ann@example.com", "X") == _page_text(unknown).replace("nobody@example.com", "X")
    assert len(inbox.messages) == 3
    with mail_app.extensions["trato"].sessionmaker() as s:
        assert set(s.scalars(select(OutboxMessage.kind))) == {"reset"}


def test_a_bad_address_is_a_form_error(mail_app):
    refused = _ask(mail_app.test_client(), "")
    assert refused.status_code == 422 and "field-error" in refused.get_data(as_text=True)


def test_the_forgot_pages_in_spanish(mail_app):
    page = mail_app.test_client().get("/password/forgot", headers={"Accept-Language": "es"})
    assert "Enviarme un enlace" in page.get_data(as_text=True)
