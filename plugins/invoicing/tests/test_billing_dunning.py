"""Dunning reminders: queued through the core's outbox and taken by a real SMTP server (aiosmtpd), once per
invoice and step, never twice, also when two runs race; in the install's language."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from trato import records, session
from trato_invoicing.billing import dunning
from trato_invoicing.billing.models import ReminderSent

from test_billing_support import PLUGINS, customer, issued, pay
from tests.support.smtp import smtp_server

TODAY = date.today()


@pytest.fixture
def smtp():
    with smtp_server() as found:
        yield found


@pytest.fixture
def mail_app(make_app, smtp):
    _inbox, port = smtp
    return make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, smtp_host="127.0.0.1", smtp_port=port,
                    smtp_from="facturas@example.com", default_currency="EUR", base_url="https://crm.example.com")


@pytest.fixture
def admin(make_user, mail_app):
    return make_user(admin=True, app=mail_app)


def logged() -> list[tuple[int, int]]:
    return [tuple(row) for row in session().execute(select(ReminderSent.invoice_id, ReminderSent.days_after_due)
                                                    .order_by(ReminderSent.id))]


def test_each_step_is_mailed_once_when_it_is_reached(mail_app, admin, smtp):
    inbox, _port = smtp
    with mail_app.app_context():
        late = issued(admin, ("100.00", "IVA21"), on=TODAY - timedelta(days=40), payment_term="30 days")  # 10 days
        settled = issued(admin, ("10.00", "IVA21"), on=TODAY - timedelta(days=40), payment_term="30 days")
        pay(admin, settled, "12.10")
        assert dunning.send_reminders(TODAY) == 1
        assert dunning.send_reminders(TODAY) == 0  # the same day again: nothing more
        assert logged() == [(late.id, 7)]
        assert dunning.send_reminders(TODAY + timedelta(days=5)) == 1  # 15 days late
        assert dunning.send_reminders(TODAY + timedelta(days=60)) == 1  # straight to the last step
        assert dunning.send_reminders(TODAY + timedelta(days=61)) == 0
        assert logged() == [(late.id, 7), (late.id, 15), (late.id, 30)]
    assert [m["To"] for m in inbox.messages] == ["pagos@nortech.example"] * 3
    first = inbox.messages[0]
    assert late["number"] in first["Subject"] and "Payment reminder" in first["Subject"]
    body = first.get_payload(decode=True).decode() if not first.is_multipart() else \
        first.get_payload(0).get_payload(decode=True).decode()
    assert "10 days past its due date" in body and "121.00" in body


def test_two_runs_at_once_send_one_reminder(mail_app, admin, smtp):
    inbox, _port = smtp
    with mail_app.app_context():
        late = issued(admin, ("100.00", "IVA21"), on=TODAY - timedelta(days=40), payment_term="30 days")
    barrier, counts = threading.Barrier(2), []

    def run() -> None:
        with mail_app.app_context():
            barrier.wait()
            counts.append(dunning.send_reminders(TODAY))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with mail_app.app_context():
        assert sorted(counts) == [0, 1] and logged() == [(late.id, 7)]
        assert session().scalar(select(func.count()).select_from(ReminderSent)) == 1
    assert len(inbox.messages) == 1


def test_a_spanish_install_writes_in_spanish(make_app, smtp, make_user):
    inbox, port = smtp
    app = make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, smtp_host="127.0.0.1", smtp_port=port,
                   smtp_from="facturas@example.com", default_locale="es")  # the euro: es
    admin = make_user(admin=True, app=app)
    with app.app_context():
        issued(admin, ("100.00", "IVA21"), on=TODAY - timedelta(days=40), payment_term="30 días")
        assert dunning.send_reminders(TODAY) == 1
    message = inbox.messages[0]
    body = message.get_payload(decode=True).decode() if not message.is_multipart() else \
        message.get_payload(0).get_payload(decode=True).decode()
    assert "Recordatorio de pago" in message["Subject"]
    assert "lleva 10 días vencida" in body and "121,00" in body


def test_each_customer_is_reminded_in_their_language_and_every_page_of_late_invoices_is_read(
        mail_app, admin, smtp, monkeypatch):
    """The invoice's contact prefers Spanish in an English install: their reminder is in Spanish, the other
    customer's in English; read a page of one invoice at a time, both are found."""
    inbox, _port = smtp
    with mail_app.app_context():
        english = issued(admin, ("100.00", "IVA21"), on=TODAY - timedelta(days=40), payment_term="30 days")
        spanish_customer = customer("Talleres Ibaizabal", "B12345674", "cobros@ibaizabal.example")
        contact = records.create("contacts_contact", {"first_name": "Itziar", "last_name": "Goñi",
                                                      "email": "itziar@ibaizabal.example", "language": "es",
                                                      "account_id": spanish_customer.id}, user=None)
        spanish = issued(admin, ("200.00", "IVA21"), account=spanish_customer, on=TODAY - timedelta(days=40),
                         payment_term="30 days", contact=contact)
        monkeypatch.setattr(records, "MAX_LIMIT", 1)
        assert dunning.send_reminders(TODAY) == 2
    subjects = {m["To"]: m["Subject"] for m in inbox.messages}
    assert subjects == {"pagos@nortech.example": f"Payment reminder: invoice {english['number']}",
                        "itziar@ibaizabal.example": f"Recordatorio de pago: factura {spanish['number']}"}
