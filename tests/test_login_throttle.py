"""Sign-in throttling: a lockout per account and per address, shared by every worker, that tells nothing."""
from __future__ import annotations

import re
from sqlalchemy import select

from trato.security_log import SecurityEvent
from trato.testing import TEST_PASSWORD
from trato.throttle import ThrottleCounter

from .support.accounts import event_kinds, shown_value, sign_in, totp_code
from .support.throttling import counters_url, later  # noqa: F401  (fixtures)

LOCKED = "Too many failed attempts. Try again in"


def fail(client, address: str, times: int) -> None:
    for _ in range(times):
        assert sign_in(client, address, "wrong-password").status_code == 422


def page_without_tokens(response, typed: str) -> str:
    """The page with its CSRF tokens (signed with the second they were made) and the typed email left out."""
    return re.sub(r'[\w.-]{40,}', "TOKEN", response.get_data(as_text=True)).replace(typed, "EMAIL@")


def counter_keys(app) -> list[str]:
    with app.extensions["trato"].sessionmaker() as session:
        return list(session.scalars(select(ThrottleCounter.key)))


def test_five_failures_lock_the_account_even_for_the_right_password(app, make_user):
    user = make_user(email="bob@example.com")
    client = app.test_client()
    fail(client, "bob@example.com", 4)
    last = sign_in(client, "bob@example.com", "wrong-password")
    assert last.status_code == 429 and "Try again in 15 minutes." in last.get_data(as_text=True)
    refused = sign_in(client, "bob@example.com")
    assert refused.status_code == 429 and LOCKED in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60 + 1
    assert client.get("/").status_code == 302
    assert event_kinds(app, user) == ["login_failed"] * 5 + ["lockout"]


def test_the_lockout_reads_the_same_for_an_email_nobody_has(app, make_user):
    make_user(email="bob@example.com")
    client = app.test_client()
    fail(client, "bob@example.com", 4)
    fail(client, "nobody@example.com", 4)
    known = sign_in(client, "bob@example.com", "wrong-password")
    unknown = sign_in(client, "nobody@example.com", "wrong-password")
    assert known.status_code == unknown.status_code == 429
    assert page_without_tokens(known, "bob@") == page_without_tokens(unknown, "nobody@")
    assert "Try again in 15 minutes." in known.get_data(as_text=True)


def test_the_lockout_ends_after_its_time(app, make_user, later):  # noqa: F811  (the fixture)
    make_user(email="bob@example.com")
    client = app.test_client()
    fail(client, "bob@example.com", 4)
    sign_in(client, "bob@example.com", "wrong-password")
    later(minutes=14)
    assert sign_in(client, "bob@example.com").status_code == 429
    later(minutes=2)
    assert sign_in(client, "bob@example.com").headers["Location"] == "/"


def test_a_success_forgets_the_accounts_failures(app, make_user):
    make_user(email="bob@example.com")
    client = app.test_client()
    fail(client, "bob@example.com", 4)
    sign_in(client, "bob@example.com")
    client.post("/logout")
    fail(client, "bob@example.com", 4)
    assert sign_in(client, "bob@example.com").headers["Location"] == "/"


def test_failures_from_one_address_lock_that_address_only(make_app, make_user):
    app = make_app(login_max_failures_per_ip=6)
    make_user(email="carol@example.com", app=app)
    attacker = app.test_client()
    for n in range(6):
        assert sign_in(attacker, f"guess{n}@example.com", "wrong-password").status_code in (422, 429)
    refused = sign_in(attacker, "carol@example.com")
    assert refused.status_code == 429 and LOCKED in refused.get_data(as_text=True)
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert sign_in(elsewhere, "carol@example.com").headers["Location"] == "/"


def test_every_worker_sees_the_same_lockout(make_app, make_user, counters_url):  # noqa: F811  (the fixture)
    first, second = make_app(redis_url=counters_url), make_app(redis_url=counters_url)  # like two web workers
    make_user(email="bob@example.com", app=first)
    fail(first.test_client(), "bob@example.com", 3)
    fail(second.test_client(), "bob@example.com", 1)
    refused = sign_in(first.test_client(), "bob@example.com", "wrong-password")
    assert refused.status_code == 429
    assert sign_in(second.test_client(), "bob@example.com").status_code == 429


def test_wrong_two_factor_codes_count_towards_the_lockout(make_app, make_user, client_as):
    app = make_app(login_max_failures=3)
    user = make_user(email="bob@example.com", app=app)
    owner = client_as(user, app=app)
    secret = shown_value(owner.post("/profile/two-factor/start"), "totp-secret")
    owner.post("/profile/two-factor/confirm", data={"code": totp_code(secret)})

    thief = app.test_client()  # knows the password, not the phone
    sign_in(thief, "bob@example.com")
    assert thief.post("/login/code", data={"code": "000000"}).status_code == 422
    assert thief.post("/login/code", data={"code": "999999"}).status_code == 422
    locked = thief.post("/login/code", data={"code": "123456"})
    assert locked.status_code == 429 and LOCKED in locked.get_data(as_text=True)
    right_code = thief.post("/login/code", data={"code": totp_code(secret, steps_ahead=1)})
    assert right_code.status_code == 429 and thief.get("/").status_code == 302


def test_wrong_current_passwords_on_the_profile_count_too(make_app, make_user, client_as):
    app = make_app(login_max_failures=2)
    user = make_user(email="bob@example.com", app=app)
    borrowed = client_as(user, app=app)
    form = {"password": "a-brand-new-password", "repeat": "a-brand-new-password"}
    assert borrowed.post("/profile/password", data={"current": "guess-one", **form}).status_code == 422
    assert borrowed.post("/profile/password", data={"current": "guess-two", **form}).status_code == 422
    locked = borrowed.post("/profile/password", data={"current": "guess-three", **form})
    assert locked.status_code == 429 and LOCKED in locked.get_data(as_text=True)
    assert sign_in(app.test_client(), "bob@example.com").status_code == 429


def test_a_nul_character_is_refused_before_anything_is_stored(app, make_user):
    user = make_user(email="bob@example.com")
    refused = app.test_client().post("/login", data={"email": "bob@example.com\x00", "password": "wrong-password"})
    assert refused.status_code == 400
    assert "The request contains a NUL character, which no field accepts." in refused.get_data(as_text=True)
    assert event_kinds(app, user) == []
    assert counter_keys(app) == []


def test_an_overlong_email_is_a_form_error_not_a_failure(app):
    refused = app.test_client().post("/login", data={"email": "x" * 300 + "@example.com", "password": "whatever"})
    assert refused.status_code == 422
    assert "Field cannot be longer than 254 characters." in refused.get_data(as_text=True)


def test_behind_a_trusted_proxy_the_forwarded_address_counts(make_app, make_user):
    app = make_app(trusted_proxies=1, login_max_failures_per_ip=2)
    make_user(email="carol@example.com", app=app)
    first_client = {"X-Forwarded-For": "203.0.113.9"}
    for n in range(2):
        app.test_client().post("/login", data={"email": f"g{n}@example.com", "password": "x"}, headers=first_client)
    assert app.test_client().post("/login", data={"email": "carol@example.com", "password": TEST_PASSWORD},
                                  headers=first_client).status_code == 429
    other = app.test_client().post("/login", data={"email": "carol@example.com", "password": TEST_PASSWORD},
                                   headers={"X-Forwarded-For": "198.51.100.4"})
    assert other.headers["Location"] == "/"
    with app.extensions["trato"].sessionmaker() as session:
        assert set(session.scalars(select(SecurityEvent.ip))) == {"203.0.113.9", "198.51.100.4"}


def test_without_trusted_proxies_a_forwarded_header_is_ignored(app):
    app.test_client().post("/login", data={"email": "g@example.com", "password": "x"},
                           headers={"X-Forwarded-For": "203.0.113.9"})
    assert set(counter_keys(app)) == {"login.email:g@example.com", "login.ip:127.0.0.1"}
