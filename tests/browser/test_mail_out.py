"""Mail out in Chromium: "Forgot password?" end to end through a loopback SMTP server (saying nothing about
unknown addresses), and an email written on a record page with a template filled in by HTMX."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from trato.testing import TEST_PASSWORD

from ..support.smtp import smtp_server
from .conftest import ADMIN_EMAIL, ADMIN_NAME, fill_sign_in, LiveApp, offered

pytestmark = pytest.mark.browser
NEW_PASSWORD = "a-new-browser-password"


@pytest.fixture
def mail_live(make_app, make_user, serve):
    with smtp_server() as (inbox, port):
        def start(plugins=()):
            app = make_app(plugins=list(plugins), extra_plugins=offered(plugins), csrf=True, smtp_host="127.0.0.1",
                           smtp_port=port, smtp_from="crm@example.com")
            admin = make_user(email=ADMIN_EMAIL, admin=True, password=TEST_PASSWORD, name=ADMIN_NAME, app=app)
            live = LiveApp(app=app, base_url=serve(app), admin=admin)
            app.extensions["trato"].settings.base_url = live.base_url
            return live
        yield inbox, start


def test_forgot_password_end_to_end(page: Page, mail_live) -> None:
    inbox, start = mail_live
    live = start()
    page.goto(live.url("/login"))
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_role("button", name="Send me a link").click()
    unknown = page.locator("#forgot-sent").inner_text()
    page.goto(live.url("/password/forgot"))
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    assert page.locator("#forgot-sent").inner_text().replace(ADMIN_EMAIL, "X") == unknown.replace(
        "nobody@example.com", "X")
    (message,) = inbox.messages
    link = re.search(r"(http://\S+/password/\S+)", message.get_payload(decode=True).decode()).group(1)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_text("Your password is set. Sign in with it.")).to_be_visible()
    fill_sign_in(page, live, password=NEW_PASSWORD)
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()


def test_an_email_from_a_record_with_a_template(page: Page, mail_live) -> None:
    inbox, start = mail_live
    live = start(["contacts"])
    fill_sign_in(page, live)
    page.goto(live.url("/r/contacts_account/new"))
    page.get_by_label("Name", exact=True).fill("Acme")
    page.get_by_label("Email", exact=True).fill("office@acme.example")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("heading", name="Acme")).to_be_visible()
    account_url = page.url
    page.goto(live.url("/admin/mail/templates/new/contacts_account/en"))
    page.get_by_label("Name").fill("Welcome")
    page.get_by_label("Subject").fill("Welcome, {{ record.name }}")
    page.get_by_label("Message").fill("Dear {{ record.name }}, welcome.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The mail template Welcome was saved.")).to_be_visible()
    page.goto(account_url)
    page.get_by_role("link", name="Email").click()
    expect(page.get_by_label("Send to")).to_have_value("Acme <office@acme.example>")
    page.get_by_label("Template").select_option(label="Welcome")
    expect(page.get_by_label("Subject")).to_have_value("Welcome, Acme")
    page.get_by_label("Send to").fill("not an address")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#to-error")).to_have_text("“not an address” is not an email address.")
    page.get_by_label("Send to").fill("Acme <office@acme.example>")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message is queued to be sent")).to_be_visible()
    (message,) = inbox.messages
    assert message["Subject"] == "Welcome, Acme"
    assert message.get_payload()[0].get_payload(decode=True).decode().startswith("Dear Acme, welcome.")


def test_mail_pages_at_phone_width_in_spanish(page: Page, mail_live) -> None:
    inbox, start = mail_live
    live = start(["contacts"])
    with live.app.extensions["trato"].sessionmaker() as s:
        s.get(type(live.admin), live.admin.id).locale = "es"
        s.commit()
    page.set_viewport_size({"width": 360, "height": 740})
    fill_sign_in(page, live)
    with live.app.test_request_context():
        from trato import records

        account = records.create("contacts_account", {"name": "Acme", "email": "office@acme.example"},
                                 user=live.admin)
    for path in (f"/r/contacts_account/{account.id}/email", "/admin/mail", "/admin/mail/templates",
                 "/admin/mail/templates/new/contacts_account/es", "/profile/mail"):
        page.goto(live.url(path))
        expect(page.locator("main h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.goto(live.url(f"/r/contacts_account/{account.id}/email"))
    expect(page.locator("main h1")).to_have_text("Correo sobre Acme")
    page.get_by_label("Asunto").fill("Hola")
    page.get_by_label("Mensaje").fill("Buenos días")
    page.get_by_role("button", name="Enviar").click()
    expect(page.get_by_text("Su mensaje está en cola para enviarse")).to_be_visible()
    assert [m["Subject"] for m in inbox.messages] == ["Hola"]
    page.goto(live.url("/admin/mail"))
    expect(page.locator("#mail-1 .badge")).to_have_text("Enviado")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
