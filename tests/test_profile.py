"""The profile: details, password change, sessions (idle, absolute, everywhere), two-factor sign-in."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from trato import sessions
from trato.testing import TEST_PASSWORD

from .support.accounts import event_kinds, reload, shown_value, sign_in, totp_code

NEW_PASSWORD = "a-brand-new-password"


def test_details_are_saved(app, make_user, client_as):
    user = make_user(name="Old Name")
    client = client_as(user)
    form = client.get("/profile").get_data(as_text=True)
    assert 'value="Old Name"' in form and '<option value="Europe/Madrid">Europe/Madrid</option>' in form
    client.post("/profile", data={"name": "New Name", "locale": "es", "timezone": "Europe/Madrid"})
    saved = reload(app, user)
    assert (saved.name, saved.locale, saved.timezone) == ("New Name", "es", "Europe/Madrid")
    assert '<html lang="es">' in client.get("/profile").get_data(as_text=True)


def test_details_refuse_an_unknown_time_zone(app, make_user, client_as):
    user = make_user(name="Kept")
    refused = client_as(user).post("/profile", data={"name": "Changed", "locale": "", "timezone": "Mars/Olympus"})
    assert refused.status_code == 422 and "Not a valid choice" in refused.get_data(as_text=True)
    assert reload(app, user).name == "Kept" and reload(app, user).timezone is None


def test_password_change_needs_the_current_one(app, make_user, client_as):
    user = make_user()
    client = client_as(user)
    wrong = client.post("/profile/password", data={"current": "not-my-password", "password": NEW_PASSWORD,
                                                   "repeat": NEW_PASSWORD})
    assert wrong.status_code == 422 and "The current password is not right." in wrong.get_data(as_text=True)
    differ = client.post("/profile/password", data={"current": TEST_PASSWORD, "password": NEW_PASSWORD,
                                                    "repeat": "something-else-entirely"})
    assert differ.status_code == 422 and "The two passwords differ." in differ.get_data(as_text=True)
    assert sign_in(app.test_client(), user.email).headers["Location"] == "/"
    assert event_kinds(app, user) == ["login_failed", "login"]


def test_password_change_keeps_this_session_and_ends_the_others(app, make_user, client_as):
    user = make_user()
    here, elsewhere = client_as(user), client_as(user)
    done = here.post("/profile/password", data={"current": TEST_PASSWORD, "password": NEW_PASSWORD,
                                                "repeat": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is changed. You were signed out everywhere else." in done.get_data(as_text=True)
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert sign_in(app.test_client(), user.email).status_code == 422
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD).headers["Location"] == "/"
    assert "password_changed" in event_kinds(app, user)


def test_logout_everywhere_ends_every_session_this_one_included(app, make_user, client_as):
    user = make_user()
    here, elsewhere = client_as(user), client_as(user)
    done = here.post("/profile/sessions/end", follow_redirects=True)
    assert "You are signed out everywhere, here too." in done.get_data(as_text=True)
    assert here.get("/").status_code == 302 and elsewhere.get("/").status_code == 302
    assert event_kinds(app, user) == ["logout_everywhere"]


def age_sessions(app, user, **ago: timedelta) -> None:
    """Move the user's sessions' `created_at` and/or `last_seen_at` that far into the past."""
    with app.extensions["trato"].sessionmaker() as session, session.begin():
        for row in session.scalars(select(sessions.UserSession).where(sessions.UserSession.user_id == user.id)):
            for column, delta in ago.items():
                setattr(row, column, getattr(row, column) - delta)


def test_an_idle_session_ends_unless_remembered(app, make_user):
    user = make_user()
    idle, remembered = app.test_client(), app.test_client()
    sign_in(idle, user.email)
    sign_in(remembered, user.email, remember="y")
    age_sessions(app, user, last_seen_at=timedelta(hours=9))
    ended = idle.get("/")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/login")
    assert idle.get("/").status_code == 302  # and stays ended
    assert remembered.get("/").status_code == 200


def test_no_session_outlives_the_absolute_limit(app, make_user):
    user = make_user()
    client = app.test_client()
    sign_in(client, user.email, remember="y")
    age_sessions(app, user, created_at=timedelta(days=8))
    assert client.get("/").status_code == 302


def test_remember_me_keeps_the_cookie_past_the_browser(app, make_user):
    user = make_user()
    remembered = sign_in(app.test_client(), user.email, remember="y").headers["Set-Cookie"]
    browser_only = sign_in(app.test_client(), user.email).headers["Set-Cookie"]
    assert "Expires=" in remembered and "trato_session=" in remembered
    assert "Expires=" not in browser_only


ENROLMENT_CODES: dict[str, str] = {}  # the code each enrolment confirmed with, by key


def _enrol(client) -> tuple[str, list[str]]:
    """Turn two-factor on through the pages; return the key and the recovery codes."""
    started = client.post("/profile/two-factor/start")
    secret = shown_value(started, "totp-secret")
    assert shown_value(started, "totp-uri").startswith("otpauth://totp/Trato:")
    ENROLMENT_CODES[secret] = totp_code(secret)
    shown = client.post("/profile/two-factor/confirm", data={"code": ENROLMENT_CODES[secret]})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", shown.get_data(as_text=True))
    return secret, codes


def test_two_factor_enrolment_refuses_a_wrong_code(app, make_user, client_as):
    user = make_user()
    client = client_as(user)
    secret = shown_value(client.post("/profile/two-factor/start"), "totp-secret")
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    refused = client.post("/profile/two-factor/confirm", data={"code": wrong})
    assert refused.status_code == 422 and "The code is not right." in refused.get_data(as_text=True)
    assert not reload(app, user).two_factor
    assert "Set up two-factor sign-in" in client.get("/profile/security").get_data(as_text=True)


def test_two_factor_sign_in_asks_for_the_code_after_the_password(app, make_user, client_as):
    user = make_user()
    secret, codes = _enrol(client_as(user))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert reload(app, user).two_factor

    browser = app.test_client()
    step = sign_in(browser, user.email)
    assert step.headers["Location"] == "/login/code"
    assert browser.get("/").status_code == 302  # not signed in between the steps
    wrong = browser.post("/login/code", data={"code": "12345"})
    assert wrong.status_code == 422 and "The code is not right." in wrong.get_data(as_text=True)
    # The very code enrolment used (not "the current code", which a new 30 s step would renew).
    replay = browser.post("/login/code", data={"code": ENROLMENT_CODES[secret]})
    assert replay.status_code == 422
    done = browser.post("/login/code", data={"code": totp_code(secret, steps_ahead=1)})
    assert done.headers["Location"] == "/" and browser.get("/").status_code == 200


def test_a_recovery_code_signs_in_once(app, make_user, client_as):
    user = make_user()
    _secret, codes = _enrol(client_as(user))
    first = app.test_client()
    sign_in(first, user.email)
    assert first.post("/login/code", data={"code": codes[0].upper()}).headers["Location"] == "/"
    second = app.test_client()
    sign_in(second, user.email)
    reused = second.post("/login/code", data={"code": codes[0]})
    assert reused.status_code == 422 and "The code is not right." in reused.get_data(as_text=True)
    page = first.get("/profile/security").get_data(as_text=True)
    assert "Recovery codes left: 9." in page
    admin_view = client_as("admin").get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "on, 9 recovery codes left" in admin_view and "Recovery code used" in admin_view
    assert event_kinds(app, user)[-3:] == ["recovery_code_used", "login", "login_failed"]


def test_the_code_step_ends_when_the_account_changes(app, make_user, client_as):
    user = make_user()
    secret, _codes = _enrol(client_as(user))
    browser = app.test_client()
    sign_in(browser, user.email)
    client_as("admin").post(f"/admin/users/{user.id}/deactivate")
    gone = browser.post("/login/code", data={"code": totp_code(secret, steps_ahead=1)}, follow_redirects=True)
    assert "Sign in again: the sign-in was not finished in time." in gone.get_data(as_text=True)
    assert browser.get("/").status_code == 302


def test_disabling_two_factor_needs_a_code(app, make_user, client_as):
    user = make_user()
    client = client_as(user)
    secret, codes = _enrol(client)
    refused = client.post("/profile/two-factor/disable", data={"code": "not-a-code"})
    assert refused.status_code == 422 and "The code is not right." in refused.get_data(as_text=True)
    assert reload(app, user).two_factor
    done = client.post("/profile/two-factor/disable", data={"code": codes[3]}, follow_redirects=True)
    assert "Two-factor sign-in is off." in done.get_data(as_text=True)
    assert not reload(app, user).two_factor
    assert sign_in(app.test_client(), user.email).headers["Location"] == "/"
    assert event_kinds(app, user) == ["2fa_enabled", "login_failed", "recovery_code_used", "2fa_disabled", "login"]


def test_new_recovery_codes_replace_the_old_ones(app, make_user, client_as):
    user = make_user()
    client = client_as(user)
    secret, old = _enrol(client)
    page = client.post("/profile/two-factor/recovery-codes", data={"code": totp_code(secret, steps_ahead=1)})
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    browser = app.test_client()
    sign_in(browser, user.email)
    assert browser.post("/login/code", data={"code": old[0]}).status_code == 422
    assert browser.post("/login/code", data={"code": new[0]}).headers["Location"] == "/"
