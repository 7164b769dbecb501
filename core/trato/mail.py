"""Sending one plain-text message through the configured SMTP server.

This sends at once, inside the request; messages that must survive a
failing server (and be retried) belong in the outbox that background
mail will bring. Callers show a person what could not be sent.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from .errors import TratoError
from .i18n import _
from .settings import Settings

TIMEOUT_SECONDS = 20


class MailError(TratoError):
    """The SMTP server could not be reached or refused the message."""


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def send(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send a plain-text message to one address, or raise MailError saying why not."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(_("The message to %(address)s could not be sent: %(reason)s", address=to,
                          reason=str(exc) or type(exc).__name__)) from None
