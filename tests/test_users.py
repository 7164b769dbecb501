"""The users admin: creating, inviting (with real SMTP on loopback), deactivating, resetting passwords."""
from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, update

from trato import security_log
from trato.db import Base
from trato.invites import Invite
from trato.models import User, utcnow
from trato.security_log import AppendOnly, SecurityEvent
from trato.testing import TEST_PASSWORD

from .support.accounts import event_kinds, reload, shown_value, sign_in

NEW_PASSWORD = "a-brand-new-password"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def invite(client: Any, name: str = "Ann Example", address: str = "ann@example.com") -> Any:
    return client.post("/admin/users/invite", data={"invite-name": name, "invite-email": address})


def test_an_admin_creates_a_user_with_a_password(app, client_as):
    admin = client_as("admin")
    page = admin.post("/admin/users", data={"name": "Bo", "email": "Bo@Example.com", "password": TEST_PASSWORD},
                      follow_redirects=True)
    assert "User bo@example.com created." in page.get_data(as_text=True)
    assert sign_in(app.test_client(), "bo@example.com").headers["Location"] == "/"
    duplicate = admin.post("/admin/users", data={"name": "Bo", "email": "bo@example.com", "password": TEST_PASSWORD})
    assert duplicate.status_code == 422
    assert "A user with the email bo@example.com already exists." in duplicate.get_data(as_text=True)


def test_invitation_link_lets_the_person_choose_a_password_once(app, client_as):
    admin = client_as("admin")
    shown = invite(admin)
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert "Trato is not set up to send mail: give this link to ann@example.com yourself." in text
    link = shown_value(shown, "one-time-link")
    assert link.startswith("http://127.0.0.1:5000/password/")
    path = link.removeprefix("http://127.0.0.1:5000")

    visitor = app.test_client()
    assert sign_in(visitor, "ann@example.com", "any-password-at-all").status_code == 422  # none chosen yet
    welcome = visitor.get(path).get_data(as_text=True)
    assert "Welcome to Trato, Ann Example" in welcome and "ann@example.com" in welcome

    differ = visitor.post(path, data={"password": NEW_PASSWORD, "repeat": "something-else-entirely"})
    assert differ.status_code == 422 and "The two passwords differ." in differ.get_data(as_text=True)
    chosen = visitor.post(path, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is set. Sign in with it." in chosen.get_data(as_text=True)
    assert sign_in(visitor, "ann@example.com", NEW_PASSWORD).headers["Location"] == "/"

    again = app.test_client().post(path, data={"password": "another-password-1", "repeat": "another-password-1"})
    assert again.status_code == 404 and "This link cannot be used" in again.get_data(as_text=True)
    assert sign_in(app.test_client(), "ann@example.com", "another-password-1").status_code == 422
    ann = _user(app, "ann@example.com")
    assert ann is not None
    assert event_kinds(app, ann) == ["user_created", "invited", "login_failed", "link_used", "login", "login_failed"]


def _user(app: Any, address: str) -> User | None:
    with app.extensions["trato"].sessionmaker() as session:
        return session.scalar(select(User).where(User.email == address))


def test_an_expired_invitation_is_refused_and_changes_nothing(app, client_as):
    path = shown_value(invite(client_as("admin")), "one-time-link").removeprefix("http://127.0.0.1:5000")
    with app.extensions["trato"].sessionmaker() as session, session.begin():
        session.execute(update(Invite).values(expires_at=utcnow() - timedelta(minutes=1)))
    visitor = app.test_client()
    assert visitor.get(path).status_code == 404
    refused = visitor.post(path, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert refused.status_code == 404
    assert "This link has expired or was already used." in refused.get_data(as_text=True)
    ann = _user(app, "ann@example.com")
    assert ann is not None and not ann.has_password


def test_a_made_up_link_is_not_found(app):
    page = app.test_client().get("/password/not-a-token")
    assert page.status_code == 404 and "This link cannot be used" in page.get_data(as_text=True)


def test_invitation_is_mailed_through_smtp(make_app, make_user, client_as, smtp):
    inbox, port = smtp
    app = make_app(smtp_host="127.0.0.1", smtp_port=port, smtp_from="crm@example.com",
                   base_url="https://crm.example.com")
    admin = make_user(admin=True, name="Alice Admin", app=app)
    shown = invite(client_as(admin, app=app))
    assert "The link was mailed to ann@example.com." in shown.get_data(as_text=True)
    link = shown_value(shown, "one-time-link")
    assert link.startswith("https://crm.example.com/password/")
    (message,) = inbox.messages
    assert inbox.recipients == [["ann@example.com"]]
    assert message["From"] == "crm@example.com" and message["Subject"] == "You are invited to Trato"
    body = message.get_payload(decode=True).decode()
    assert link in body and "Alice Admin invited you to Trato" in body and "72 hours" in body


def test_when_mail_fails_the_admin_still_gets_the_link(make_app, client_as):
    app = make_app(smtp_host="127.0.0.1", smtp_port=free_port())  # nothing listens there
    shown = invite(client_as("admin", app=app))
    text = shown.get_data(as_text=True)
    assert "The message to ann@example.com could not be sent" in text
    assert "Give the link to the person yourself." in text
    assert shown_value(shown, "one-time-link").startswith("http://127.0.0.1:5000/password/")


def test_invitation_form_is_checked(client_as):
    refused = invite(client_as("admin"), address="not-an-address")
    assert refused.status_code == 422 and "This is not an email address." in refused.get_data(as_text=True)


def test_deactivation_ends_sessions_at_once_and_reactivation_restores_sign_in(app, make_user, client_as):
    admin_user = make_user(admin=True)
    admin = client_as(admin_user)
    bob = make_user(email="bob@example.com", name="Bob")
    bobs_browser = client_as(bob)
    assert bobs_browser.get("/").status_code == 200

    done = admin.post(f"/admin/users/{bob.id}/deactivate", follow_redirects=True)
    assert "Bob is deactivated and signed out everywhere." in done.get_data(as_text=True)
    stale = bobs_browser.get("/")
    assert stale.status_code == 302 and stale.headers["Location"].startswith("/login")
    refused = sign_in(app.test_client(), "bob@example.com")
    assert refused.status_code == 422 and "The email or the password is not right." in refused.get_data(as_text=True)

    admin.post(f"/admin/users/{bob.id}/reactivate")
    assert sign_in(app.test_client(), "bob@example.com").headers["Location"] == "/"
    assert event_kinds(app, bob) == ["deactivated", "login_failed", "reactivated", "login"]


def test_an_admin_cannot_deactivate_themselves(app, make_user, client_as):
    admin_user = make_user(admin=True)
    page = client_as(admin_user).post(f"/admin/users/{admin_user.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in page.get_data(as_text=True)
    assert reload(app, admin_user).active


def test_temporary_password_must_be_replaced_at_next_sign_in(app, make_user, client_as):
    bob = make_user(email="bob@example.com")
    old_session = client_as(bob)
    shown = client_as("admin").post(f"/admin/users/{bob.id}/temporary-password")
    temporary = shown_value(shown, "temporary-password")
    assert len(temporary) >= 12
    assert old_session.get("/").status_code == 302  # the reset ended Bob's sessions

    browser = app.test_client()
    assert sign_in(browser, "bob@example.com").status_code == 422  # the old password is gone
    sign_in(browser, "bob@example.com", temporary)
    detour = browser.get("/profile/tokens")
    assert detour.status_code == 302 and detour.headers["Location"] == "/profile/security"
    page = browser.get("/profile/security").get_data(as_text=True)
    assert "You signed in with a temporary password. Choose your own to go on." in page
    browser.post("/profile/password", data={"current": temporary, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert browser.get("/profile/tokens").status_code == 200
    assert not reload(app, bob).must_change_password


def test_reset_link_replaces_the_password(app, make_user, client_as):
    bob = make_user(email="bob@example.com")
    shown = client_as("admin").post(f"/admin/users/{bob.id}/link")
    assert "Password link for" in shown.get_data(as_text=True)
    path = shown_value(shown, "one-time-link").removeprefix("http://127.0.0.1:5000")
    visitor = app.test_client()
    assert "Choose a new password" in visitor.get(path).get_data(as_text=True)
    visitor.post(path, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert sign_in(app.test_client(), "bob@example.com").status_code == 422
    assert sign_in(app.test_client(), "bob@example.com", NEW_PASSWORD).headers["Location"] == "/"


def test_a_new_link_cancels_the_previous_one(app, make_user, client_as):
    bob = make_user(email="bob@example.com")
    admin = client_as("admin")
    first = shown_value(admin.post(f"/admin/users/{bob.id}/link"), "one-time-link")
    second = shown_value(admin.post(f"/admin/users/{bob.id}/link"), "one-time-link")
    visitor = app.test_client()
    assert visitor.get(first.removeprefix("http://127.0.0.1:5000")).status_code == 404
    assert visitor.get(second.removeprefix("http://127.0.0.1:5000")).status_code == 200


def test_the_user_page_shows_status_tokens_and_security_events(app, make_user, client_as):
    bob = make_user(email="bob@example.com", name="Bob")
    sign_in(app.test_client(), "bob@example.com", "wrong-password")
    page = client_as("admin").get(f"/admin/users/{bob.id}").get_data(as_text=True)
    assert "Failed sign-in" in page and "127.0.0.1" in page
    assert "No API tokens." in page and "Send a password reset link" in page


def test_users_admin_is_for_admins_only(make_user, client_as):
    bob = make_user(email="bob@example.com")
    user = client_as("user")
    assert user.get("/admin/users").status_code == 403
    assert user.post(f"/admin/users/{bob.id}/deactivate").status_code == 403
    assert invite(user).status_code == 403
    assert client_as("admin").post("/admin/users/9999/deactivate").status_code == 404


def test_invite_form_works_with_csrf_on(make_app, make_user, client_as):
    app = make_app(csrf=True)
    admin = client_as(make_user(admin=True, app=app), app=app)
    page = admin.get("/admin/users").get_data(as_text=True)
    token = re.search(r'name="invite-csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "the invitation form carries its own CSRF field"
    shown = admin.post("/admin/users/invite", data={"invite-csrf_token": token.group(1), "invite-name": "Ann",
                                                     "invite-email": "ann@example.com"})
    assert shown.status_code == 200 and "Invitation for Ann" in shown.get_data(as_text=True)
    forged = admin.post("/admin/users/invite", data={"invite-name": "Eve", "invite-email": "eve@example.com"})
    assert forged.status_code == 400 and _user(app, "eve@example.com") is None


def test_security_events_are_append_only(app, make_user):
    user = make_user()
    with app.extensions["trato"].sessionmaker() as session:
        entry = security_log.record(session, security_log.LOGIN, session.get(User, user.id))
        session.commit()
        entry.kind = "tampered"
        with pytest.raises(AppendOnly):
            session.flush()
        session.rollback()
        with pytest.raises(AppendOnly):
            session.delete(entry)
            session.flush()
        session.rollback()
        with pytest.raises(AppendOnly):
            session.execute(update(SecurityEvent).values(kind="tampered"))
    assert event_kinds(app, user) == ["login"]


ACCOUNT_TABLES = {"core_user", "core_invite", "core_throttle", "core_session", "core_api_token", "core_recovery_code",
                  "core_security_event"}


def _table_of(diff: Any) -> str:
    if isinstance(diff, list):  # modify_* diffs come as a list of tuples
        return str(diff[0][2])
    op, target = diff[0], diff[1]
    if op in ("add_column", "remove_column"):
        return str(diff[2])
    return str(getattr(target, "name", "") if op.endswith("_table") else target.table.name)


def test_the_migration_makes_what_the_models_describe(app):
    """Autogenerate finds nothing to change in the account tables (a model never imported would show too)."""
    with app.extensions["trato"].engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert [d for d in diffs if _table_of(d) in ACCOUNT_TABLES] == []
