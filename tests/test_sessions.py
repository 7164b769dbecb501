"""Server-side sessions: whatever ends a session ends every copy of its cookie, on every node, at once."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from trato.models import User
from trato.sessions import COOKIE_NAME, KEY, UserSession, purge
from trato.testing import TEST_PASSWORD

from .support.accounts import sign_in

NEW_PASSWORD = "a-brand-new-password"


def signed_in(app: Flask, user: User) -> FlaskClient:
    """A browser that signed in through the form."""
    client = app.test_client()
    assert sign_in(client, user.email).headers["Location"] == "/"
    return client


def copy_of(client: FlaskClient, app: Flask | None = None) -> FlaskClient:
    """Another browser (of `app`, which may be another node) holding a copy of `client`'s session cookie."""
    thief = (app or client.application).test_client()
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie is not None
    thief.set_cookie(COOKIE_NAME, cookie.value)
    return thief


def assert_refused(client: FlaskClient) -> None:
    """The session is over: pages send to the sign-in page, HTMX requests get 401 with HX-Redirect."""
    page = client.get("/profile")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    htmx = client.get("/profile", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/login"


def assert_open(client: FlaskClient, user: User) -> None:
    page = client.get("/profile")
    assert page.status_code == 200 and f'value="{user.name}"' in page.get_data(as_text=True)


def rows(app: Flask, user: User) -> list[UserSession]:
    with app.extensions["trato"].sessionmaker() as session:
        return list(session.scalars(select(UserSession).where(UserSession.user_id == user.id)))


def test_a_cookie_copied_before_signing_out_opens_nothing_afterwards(app, make_user):
    user = make_user(name="Ana")
    browser = signed_in(app, user)
    copy = copy_of(browser)
    assert_open(copy, user)
    assert browser.post("/logout").headers["Location"] == "/login"
    assert_refused(browser)
    assert_refused(copy)
    assert rows(app, user) == []


def test_a_password_change_ends_every_copy_and_keeps_this_browser(app, make_user):
    user = make_user(name="Ana")
    browser = signed_in(app, user)
    copy = copy_of(browser)
    changed = browser.post("/profile/password", data={"current": TEST_PASSWORD, "password": NEW_PASSWORD,
                                                      "repeat": NEW_PASSWORD})
    assert changed.headers["Location"] == "/profile/security"
    assert_open(browser, user)
    assert_refused(copy)
    assert len(rows(app, user)) == 1


def test_deactivation_ends_every_copy(app, make_user, client_as):
    user = make_user(name="Ana")
    copy = copy_of(signed_in(app, user))
    assert_open(copy, user)
    client_as("admin").post(f"/admin/users/{user.id}/deactivate")
    assert_refused(copy)


def test_signing_out_everywhere_ends_every_copy(app, make_user):
    user = make_user(name="Ana")
    browser, laptop = signed_in(app, user), signed_in(app, user)
    copies = [copy_of(browser), copy_of(laptop)]
    browser.post("/profile/sessions/end")
    for client in (browser, laptop, *copies):
        assert_refused(client)
    assert rows(app, user) == []


def test_the_profile_lists_the_sessions_and_signs_one_out(app, make_user, client_as):
    user = make_user(name="Ana")
    laptop, phone = app.test_client(), app.test_client()
    laptop.environ_base["HTTP_USER_AGENT"] = "Laptop Browser/1.0"
    phone.environ_base.update(HTTP_USER_AGENT="Phone Browser/2.0", REMOTE_ADDR="192.0.2.44")
    sign_in(laptop, user.email)
    sign_in(phone, user.email)
    page = laptop.get("/profile/security").get_data(as_text=True)
    assert "Laptop Browser/1.0" in page and "Phone Browser/2.0" in page and "192.0.2.44" in page
    assert page.count("(this browser)") == 1
    phone_row = next(r for r in rows(app, user) if r.user_agent == "Phone Browser/2.0")

    other = client_as("user")
    assert other.post(f"/profile/sessions/{phone_row.id}/end").status_code == 404  # not theirs
    assert_open(phone, user)

    done = laptop.post(f"/profile/sessions/{phone_row.id}/end", follow_redirects=True)
    assert "That session is signed out." in done.get_data(as_text=True)
    assert_refused(phone)
    assert_open(laptop, user)
    assert "Phone Browser/2.0" not in laptop.get("/profile/security").get_data(as_text=True)


def test_signing_this_session_out_from_the_list_signs_out_here(app, make_user):
    user = make_user(name="Ana")
    browser = signed_in(app, user)
    (row,) = rows(app, user)
    assert browser.post(f"/profile/sessions/{row.id}/end").headers["Location"] == "/login"
    assert_refused(browser)


def test_another_node_sees_a_revocation_at_once(make_app, make_user):
    first, second = make_app(), make_app()  # two app instances on one database, like two servers
    user = make_user(name="Ana", app=first)
    browser = signed_in(first, user)
    elsewhere = copy_of(browser, second)
    assert_open(elsewhere, user)  # the second node reads the session the first one made
    browser.post("/logout")
    assert_refused(elsewhere)

    again = signed_in(second, user)
    on_first = copy_of(again, first)
    assert_open(on_first, user)
    again.post("/profile/password", data={"current": TEST_PASSWORD, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert_refused(on_first)
    assert_open(again, user)


def test_the_database_keeps_only_a_hash_of_the_cookies_key(app, make_user):
    user = make_user()
    browser = signed_in(app, user)
    with browser.session_transaction() as cookie:
        key = cookie[KEY]
    (row,) = rows(app, user)
    assert row.id == hashlib.sha256(key.encode()).hexdigest() and key not in row.id


def test_a_request_reads_its_session_once_and_writes_last_seen_at_most_once_a_minute(app, make_user):
    user = make_user()
    browser = signed_in(app, user)
    sent: list[str] = []

    def listen(conn, cursor, statement, *args) -> None:
        if "core_session" in statement:
            sent.append(statement.split(None, 1)[0].upper())

    engine = app.extensions["trato"].engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        assert browser.get("/").status_code == 200
        assert sent == ["SELECT"]
        (row,) = rows(app, user)
        with app.extensions["trato"].sessionmaker() as session, session.begin():
            session.get(UserSession, row.id).last_seen_at -= timedelta(minutes=2)
        sent.clear()
        assert browser.get("/").status_code == 200
        assert sent == ["SELECT", "UPDATE"]
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    (touched,) = rows(app, user)
    assert touched.last_seen_at > row.last_seen_at - timedelta(minutes=2)


def test_the_nightly_purge_removes_only_sessions_that_ended(app, make_user, client_as):
    kept, idle, old, moved_on = (make_user(name=n) for n in ("Kept", "Idle", "Old", "Moved"))
    for user in (kept, idle, old, moved_on):
        signed_in(app, user)
    remembered = app.test_client()
    sign_in(remembered, idle.email, remember="y")
    with app.extensions["trato"].sessionmaker() as session, session.begin():
        for row in session.scalars(select(UserSession)):
            if row.user_id == idle.id:
                row.last_seen_at -= timedelta(hours=9)  # past the idle limit, unless remembered
            elif row.user_id == old.id:
                row.created_at -= timedelta(days=8)  # past the absolute limit
        session.get(User, moved_on.id).session_epoch += 1  # signed out everywhere by a bumped epoch
    with app.app_context(), app.extensions["trato"].sessionmaker() as session:
        assert purge(session, app.extensions["trato"].settings) == 3
        session.commit()
    left = {(row.user_id, row.remember) for row in rows(app, kept) + rows(app, idle) + rows(app, old)
            + rows(app, moved_on)}
    assert left == {(kept.id, False), (idle.id, True)}
    assert_open(remembered, idle)
