"""Talking to the SMTP server of the settings: implicit TLS or STARTTLS, login, and one message at a time.

`Connection.deliver` walks the SMTP dialogue itself (MAIL, RCPT, DATA) so
that the outbox can commit "the content is about to go" between the
server's go-ahead for DATA and the content: the one moment after which a
worker that dies cannot know whether the server took the message.

`send` is the older, immediate path (an invitation mailed inside the
request, the admin sees at once whether it left); everything else goes
through the outbox.
"""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from ..errors import TratoError
from ..i18n import _
from ..settings import Settings

TIMEOUT_SECONDS = 20


class MailError(TratoError):
    """The SMTP server could not be reached or refused the message."""


@dataclass
class Refused(Exception):
    """The server said no: `permanent` for a 5xx answer to the message (no use trying again), else a passing
    refusal (4xx, a connection that failed or dropped before the content was complete)."""

    reason: str
    permanent: bool
    reached: bool = True  # False: no session with the server could be opened (connection, TLS, login)


class Unknown(Exception):
    """The connection broke after the whole content was sent and before the server answered: it may have
    taken the message or not."""


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def domain(settings: Settings) -> str | None:
    return settings.smtp_from.rpartition("@")[2] or None


def new_message_id(settings: Settings) -> str:
    """A fresh Message-ID in our domain, without its angle brackets."""
    return make_msgid(domain=domain(settings)).strip("<>")


def _answer(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {said}".strip()


def _stuffed(content: bytes) -> bytes:
    """The content as DATA carries it: CRLF line ends, a leading dot doubled, the closing dot line added."""
    lines = content.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n" for line in lines) + b".\r\n"


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Sign in with one mechanism the server offers (PLAIN, else LOGIN): a refused password is the server's
    answer at once, not a string of tries of other mechanisms."""
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" not in offered and "LOGIN" not in offered:
        smtp.login(user, password)
        return
    smtp.user, smtp.password = user, password
    if "PLAIN" in offered:
        smtp.auth("PLAIN", smtp.auth_plain)
    else:
        smtp.auth("LOGIN", smtp.auth_login)


class Connection:
    """One SMTP session, opened when first needed and kept for the next messages of a batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        """Connect, secure and sign in, or Refused with `reached` False: whatever the server said, the fault is
        the connection's or the settings', not the message's, so it is never a permanent refusal."""
        try:
            return self._open()
        except smtplib.SMTPResponseException as exc:
            raise Refused(_answer(exc.smtp_code, exc.smtp_error), permanent=False, reached=False) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Refused(str(exc) or type(exc).__name__, permanent=False, reached=False) from None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS)
        try:
            smtp.ehlo()
            if s.smtp_starttls and not s.smtp_tls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.smtp_username:
                _login(smtp, s.smtp_username, s.smtp_password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def deliver(self, envelope_from: str, recipients: Sequence[str], content: bytes,
                before_content: Callable[[], bool]) -> str:
        """Hand one message to the server; the server's answer. `before_content()` runs once the server has
        said to go ahead, just before the content is sent; when it returns False nothing is sent (RSET).

        Raises Refused (permanent or not) or Unknown; the connection is closed after either.
        """
        if self.smtp is None:
            self.smtp = self.open()
        smtp, sent_all = self.smtp, False
        try:
            code, said = smtp.mail(envelope_from)
            if code != 250:
                raise smtplib.SMTPResponseException(code, said)
            refused = []
            for address in recipients:
                code, said = smtp.rcpt(address)
                if code not in (250, 251):
                    refused.append((address, code, said))
            if len(refused) == len(recipients):
                address, code, said = refused[0]
                raise smtplib.SMTPResponseException(code, f"{address}: {_answer(0, said)[2:]}".encode())
            smtp.putcmd("data")
            code, said = smtp.getreply()
            if code != 354:
                raise smtplib.SMTPResponseException(code, said)
            if not before_content():
                self.close()  # the content never follows: the server drops the transaction
                raise Refused(_("Another worker took the message over."), permanent=False)
            smtp.send(_stuffed(content))
            sent_all = True
            code, said = smtp.getreply()
            if code != 250:
                raise smtplib.SMTPResponseException(code, said)
            return _answer(code, said)
        except smtplib.SMTPResponseException as exc:
            self.close()
            if exc.smtp_code == -1 and sent_all:
                raise Unknown(_answer(exc.smtp_code, exc.smtp_error)) from None
            raise Refused(_answer(exc.smtp_code, exc.smtp_error), permanent=500 <= exc.smtp_code < 600) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.smtp = None
            reason = str(exc) or type(exc).__name__
            if sent_all:
                raise Unknown(reason) from None
            raise Refused(reason, permanent=False) from None


def send(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send a plain-text message to one address at once, or raise MailError saying why not."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{new_message_id(settings)}>"
    message.set_content(body)
    connection = Connection(settings)
    try:
        connection.deliver(settings.smtp_from, [to], message.as_bytes(), lambda: True)
    except (Refused, Unknown) as exc:
        reason = exc.reason if isinstance(exc, Refused) else str(exc)
        raise MailError(_("The message to %(address)s could not be sent: %(reason)s", address=to,
                          reason=reason)) from None
    finally:
        connection.close()
