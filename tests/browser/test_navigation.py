"""Moving around the app: the main menu, the admin screens and the language switch."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_main_menu_leads_to_plugins_and_users(admin_page: Page, live_app) -> None:
    page = admin_page
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Administration").click()
    expect(page).to_have_url(live_app.url("/admin/plugins"))
    expect(page.get_by_role("heading", name="Plugins", exact=True)).to_be_visible()
    expect(page.locator("#plugin-greet")).to_contain_text("Greetings")

    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Users").click()
    expect(page).to_have_url(live_app.url("/admin/users"))
    users = page.get_by_role("table")
    expect(users.get_by_role("row", name=live_app.admin.email)).to_contain_text(live_app.admin.name)
    expect(users.get_by_role("row", name=live_app.admin.email)).to_contain_text("Administrator")


def test_language_switch_changes_the_text_and_sticks(admin_page: Page, live_app) -> None:
    page = admin_page
    header = page.get_by_role("banner")
    header.get_by_role("button", name="Account menu").click()
    header.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    menu = page.get_by_role("navigation", name="Menú principal")
    expect(menu.get_by_role("link", name="Inicio")).to_be_visible()
    header.get_by_role("button", name="Menú de la cuenta").click()
    expect(header.get_by_role("button", name="Cerrar sesión")).to_be_visible()
    page.keyboard.press("Escape")

    menu.get_by_role("link", name="Administración").click()
    expect(page).to_have_url(live_app.url("/admin/plugins"))
    expect(page.get_by_role("heading", name="Complementos", exact=True)).to_be_visible()

    header.get_by_role("button", name="Menú de la cuenta").click()
    header.get_by_role("button", name="English").click()
    expect(page).to_have_url(live_app.url("/admin/plugins"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Plugins", exact=True)).to_be_visible()
    header.get_by_role("button", name="Account menu").click()
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()


def test_spanish_dashboard_screenshot(page: Page, make_live_app, sign_in, tmp_path: Path) -> None:
    live = make_live_app(plugins=["greet"], locale="es")
    sign_in(page, live)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("banner").get_by_role("button", name="Menú de la cuenta")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Hola, {live.admin.name}")).to_be_visible()
    expect(page.get_by_role("heading", name="Primeros pasos")).to_be_visible()
    expect(page.get_by_role("heading", name="Saludos")).to_be_visible()

    shot = tmp_path / "dashboard-es.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
