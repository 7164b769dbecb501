"""Received mail at phone width, in Spanish: the inbox lists a waiting message, a decision refused at its field,
then the message logged on a contact, whose timeline shows it under Emails; nothing wider than the screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from trato import records
from trato.mailin import take

from .conftest import fill_sign_in

pytestmark = pytest.mark.browser

RAW = (b"From: Zoe Diaz <zoe@new.example>\r\nTo: ventas@ours.example\r\nSubject: Presupuesto, por favor\r\n"
       b"Message-ID: <phone-1@new.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
       b"Hola, \xc2\xbfme env\xc3\xadan un presupuesto?\r\n")


def test_received_mail_at_phone_width_in_spanish(page: Page, make_live_app) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    live = make_live_app(["contacts"], locale="es")
    with live.app.app_context():
        contact = records.create("contacts_contact", {"last_name": "Díaz", "email": "zoe@elsewhere.example"},
                                 user=None)
        take(RAW, "http")
    fill_sign_in(page, live)
    page.goto(live.url("/admin/mail-in"))
    expect(page.locator("main h1")).to_have_text("Correo recibido")
    expect(page.locator(".mail-in-list")).to_contain_text("Presupuesto, por favor")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Entidad").select_option(label="Contacto")
    page.get_by_label("Número de registro").fill("999999")
    page.get_by_role("button", name="Registrar en el registro").click()
    expect(page.locator(".field-error")).to_have_text("No existe ese registro.")
    expect(page.get_by_label("Número de registro")).to_have_value("999999")  # what was typed stays
    expect(page.get_by_label("Entidad")).to_have_value("contacts_contact")
    page.get_by_label("Número de registro").fill(str(contact.id))
    page.get_by_role("button", name="Registrar en el registro").click()
    expect(page.locator(".flash, .alert").first).to_contain_text("El mensaje se ha registrado en el registro.")
    page.goto(live.url(f"/r/contacts_contact/{contact.id}/timeline?kind=emails"))
    expect(page.locator(".event-emails")).to_contain_text("Correo recibido de Zoe Diaz")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
