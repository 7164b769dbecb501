"""The admin's outbox page: states, filters, and sending again, cancelling, marking sent."""
from __future__ import annotations

from sqlalchemy import update

from trato.mail import outbox
from trato.mail.models import OutboxMessage


def _queue(app, subject, to="bob@example.net", state=None, error=""):
    with app.app_context(), app.extensions["trato"].sessionmaker() as s:
        message = outbox.queue(s, sender="crm@example.com", to=[to], subject=subject, text="Hi")
        s.flush()
        if state:
            s.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                      .values(state=state, last_error=error))
        s.commit()
        return message.id


def _state(app, message_id):
    with app.extensions["trato"].sessionmaker() as s:
        return s.get(OutboxMessage, message_id).state


def test_admins_see_the_outbox_filtered_and_act_on_a_message(mail_app, smtp, client_as):
    inbox, _port = smtp
    failed = _queue(mail_app, "Refused quote", state="failed", error="550 5.1.1 No such user here")
    unknown = _queue(mail_app, "Lost invoice", to="carol@example.net", state="unknown", error="may have been")
    waiting = _queue(mail_app, "Later news", to="dave@example.net")
    admin = client_as("admin", app=mail_app)
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert "Refused quote" in page and "550 5.1.1 No such user here" in page and "Lost invoice" in page
    only_failed = admin.get("/admin/mail?state=failed").get_data(as_text=True)
    assert "Refused quote" in only_failed and "Lost invoice" not in only_failed and "Later news" not in only_failed
    by_address = admin.get("/admin/mail?q=carol@").get_data(as_text=True)
    assert "Lost invoice" in by_address and "Refused quote" not in by_address
    assert admin.get("/admin/mail?state=nonsense").status_code == 400

    done = admin.post(f"/admin/mail/{waiting}/cancel", follow_redirects=True)
    assert "The message will not be sent." in done.get_data(as_text=True) and _state(mail_app, waiting) == "cancelled"
    refused = admin.post(f"/admin/mail/{waiting}/cancel", follow_redirects=True)
    assert "does not allow that any more" in refused.get_data(as_text=True)

    admin.post(f"/admin/mail/{unknown}/mark-sent")
    assert _state(mail_app, unknown) == "sent" and inbox.messages == []

    again = admin.post(f"/admin/mail/{failed}/retry", follow_redirects=True)
    assert "queued to be sent again" in again.get_data(as_text=True)
    assert _state(mail_app, failed) == "sent" and [m["Subject"] for m in inbox.messages] == ["Refused quote"]
    assert admin.post(f"/admin/mail/{failed}/explode").status_code == 404


def test_only_admins_see_the_outbox(mail_app, client_as):
    assert client_as("user", app=mail_app).get("/admin/mail").status_code == 403


def test_the_outbox_page_in_spanish(mail_app, client_as):
    _queue(mail_app, "Hola", state="unknown")
    page = client_as("admin", app=mail_app).get("/admin/mail", headers={"Accept-Language": "es"})
    text = page.get_data(as_text=True)
    assert "Bandeja de salida" in text and "Resultado desconocido" in text
