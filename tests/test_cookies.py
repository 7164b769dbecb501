"""The session cookie's flags and name, and Strict-Transport-Security, from the base URL and the request's scheme."""
from __future__ import annotations

import pytest

from trato.errors import ConfigError
from trato.settings import load_settings
from trato.testing import TEST_PASSWORD

HTTPS = "https://localhost"


def signed_in_cookie(app, user, base_url: str = "http://localhost") -> tuple[str, object]:
    """The Set-Cookie line a sign-in answers with, and the client holding it."""
    client = app.test_client()
    answer = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}, base_url=base_url)
    assert answer.headers["Location"] == "/"
    return answer.headers["Set-Cookie"], client


def flags(set_cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}


def test_the_quick_starts_plain_http_on_loopback_keeps_a_plain_cookie(app, make_user):
    line, client = signed_in_cookie(app, make_user())  # base_url http://127.0.0.1:5000
    assert line.startswith("trato_session=")
    assert flags(line) == {"httponly", "path", "samesite"} and "SameSite=Lax" in line and "Path=/" in line
    page = client.get("/")
    assert page.status_code == 200 and "Strict-Transport-Security" not in page.headers


@pytest.mark.parametrize("base_url", ["https://crm.example.com", "http://crm.example.com", "http://192.0.2.5:5000"])
def test_any_other_base_url_gets_a_secure_host_only_cookie(make_app, make_user, base_url):
    app = make_app(base_url=base_url)
    line, client = signed_in_cookie(app, make_user(app=app), HTTPS)
    assert line.startswith("__Host-trato_session=")
    assert flags(line) == {"secure", "httponly", "path", "samesite"} and "Path=/" in line  # and no Domain
    assert client.get("/", base_url=HTTPS).status_code == 200


@pytest.mark.parametrize("base_url", ["http://localhost:8000", "http://[::1]:5000", "http://127.0.0.2"])
def test_loopback_spellings_count_as_loopback(make_app, make_user, base_url):
    app = make_app(base_url=base_url)
    line, _client = signed_in_cookie(app, make_user(app=app))
    assert line.startswith("trato_session=") and "secure" not in flags(line)


def test_the_setting_wins_over_the_base_url(make_app, make_user):
    plain = make_app(base_url="https://crm.example.com", session_cookie_secure=False)
    line, _client = signed_in_cookie(plain, make_user(app=plain))
    assert line.startswith("trato_session=") and "secure" not in flags(line)
    forced = make_app(session_cookie_secure=True)
    line, _client = signed_in_cookie(forced, make_user(app=forced), HTTPS)
    assert line.startswith("__Host-trato_session=") and "secure" in flags(line)


def test_https_answers_carry_strict_transport_security(app):
    assert app.test_client().get("/login", base_url=HTTPS).headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers


def test_behind_a_trusted_proxy_its_forwarded_scheme_counts(make_app, app):
    proxied = make_app(trusted_proxies=1)
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert "Strict-Transport-Security" in proxied.test_client().get("/login", headers=https).headers
    assert "Strict-Transport-Security" not in app.test_client().get("/login", headers=https).headers


@pytest.mark.parametrize("raw, expected", [("auto", None), ("", None), ("yes", True), ("0", False)])
def test_the_secure_setting_reads_auto_true_or_false(tmp_path, monkeypatch, raw, expected):
    monkeypatch.setenv("TRATO_SESSION_COOKIE_SECURE", raw)
    assert load_settings(tmp_path).session_cookie_secure is expected


def test_a_wrong_secure_setting_says_what_it_takes(tmp_path, monkeypatch):
    monkeypatch.setenv("TRATO_SESSION_COOKIE_SECURE", "sometimes")
    with pytest.raises(ConfigError, match="TRATO_SESSION_COOKIE_SECURE: expected true, false or auto, got 'sometimes'"):
        load_settings(tmp_path)
