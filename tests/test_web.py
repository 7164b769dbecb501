"""Web basics: security headers, themes, request ids, sessions the server can end."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from trato.models import User
from trato.settings import load_settings, prepare_instance
from trato.testing import TEST_PASSWORD


def test_security_headers_on_every_page(app):
    response = app.test_client().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "HX-Request" in response.headers["Vary"]


def test_session_cookie_flags(make_app, make_user):
    app = make_app(session_cookie_secure=True)
    user = make_user(app=app)
    response = app.test_client().post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_pages_carry_no_inline_script(client_as):
    page = client_as("admin").get("/").data.decode()
    assert "<script>" not in page and "onclick=" not in page
    assert 'hx-headers:inherited=\'{"X-CSRFToken": "' in page


def test_request_id_is_echoed_or_made(app):
    client = app.test_client()
    assert client.get("/login", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    made = client.get("/login", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert made and " " not in made


def test_sign_in_redirects_only_within_the_site(app, make_user):
    user = make_user()
    client = app.test_client()
    outside = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": TEST_PASSWORD})
    assert outside.headers["Location"] == "/"
    client.post("/logout")
    inside = client.post("/login?next=/admin/users", data={"email": user.email, "password": TEST_PASSWORD})
    assert inside.headers["Location"] == "/admin/users"


def test_wrong_password_keeps_the_visitor_out(app, make_user):
    user = make_user()
    page = app.test_client().post("/login", data={"email": user.email, "password": "wrong-password"})
    assert page.status_code == 422 and b"The email or the password is not right." in page.data


def test_bumping_the_session_epoch_ends_sessions_at_once(app, make_user, client_as):
    user = make_user()
    client = client_as(user)
    assert client.get("/").status_code == 200
    with app.extensions["trato"].sessionmaker() as s, s.begin():
        s.execute(update(User).where(User.id == user.id).values(session_epoch=User.session_epoch + 1))
    assert client.get("/").status_code == 302
    expired = client.post("/admin/plugins/x/enable", headers={"HX-Request": "true"})
    assert expired.status_code == 401 and expired.headers["HX-Redirect"] == "/login"


def test_csrf_is_enforced_when_on(make_app, make_user):
    app = make_app(csrf=True)
    user = make_user(app=app)
    response = app.test_client().post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400 and b"The request could not be understood" in response.data


def test_default_theme_and_a_theme_that_overrides_colours(make_app, make_user, client_as):
    default_app = make_app()
    default = default_app.test_client()
    assert b"--tblr-primary: #1f5fd1" in default.get("/static/css/theme.css").data
    assert b'data-bs-theme="light"' in client_as(make_user(app=default_app), app=default_app).get("/").data
    midnight_app = make_app(theme="midnight")
    midnight = midnight_app.test_client()
    assert b"Midnight" in midnight.get("/static/css/theme.css").data
    assert b"--tblr-bg-surface: #121a2b" in midnight.get("/static/css/theme.css").data
    assert b'data-bs-theme="dark"' in client_as(make_user(app=midnight_app), app=midnight_app).get("/").data
    assert b".app-topbar" in midnight.get("/static/css/trato.css").data  # the rest comes from the default
    assert midnight.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert midnight.get("/static/nope.css").status_code == 404


def test_uninitialised_database_answers_503_with_the_fix(tmp_path):
    from trato import create_app
    from trato.settings import Settings

    app = create_app(Settings(instance_path=tmp_path, database_url=f"sqlite:///{tmp_path}/empty.db",
                              secret_key="k" * 20, jobs_immediate=True))
    page = app.test_client().get("/login")
    assert page.status_code == 503 and b"trato init" in page.data


def test_settings_come_from_toml_then_environment(tmp_path: Path, monkeypatch):
    (tmp_path / "trato.toml").write_text('theme = "midnight"\ndefault_locale = "es"\n')
    monkeypatch.setenv("TRATO_DEFAULT_LOCALE", "en")
    settings = load_settings(tmp_path)
    assert settings.theme == "midnight" and settings.default_locale == "en"


def test_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("TRATO_SECRET_KEY", raising=False)
    first = prepare_instance(load_settings(tmp_path)).secret_key
    second = prepare_instance(load_settings(tmp_path)).secret_key
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert prepare_instance(load_settings(tmp_path)).database_url == f"sqlite:///{tmp_path / 'trato.db'}"


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_boolean_settings_accept_the_usual_spellings(tmp_path, monkeypatch, value):
    monkeypatch.setenv("TRATO_SESSION_COOKIE_SECURE", value)
    assert load_settings(tmp_path).session_cookie_secure is True
