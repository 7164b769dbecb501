"""STARTTLS, implicit TLS and a login, against loopback aiosmtpd servers with a certificate made for the test (the
client verifies it: the test's CA file is trusted through SSL_CERT_FILE), and a login the server refuses."""
from __future__ import annotations

import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from trato.mail import outbox

from ..support.smtp import Inbox, free_port


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out",
                    str(cert)], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


def _check(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"crm" and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)  # the server answers 535 itself


def _serve(inbox, port, context, implicit):
    options = {"ssl_context": context} if implicit else {"tls_context": context, "require_starttls": True}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=_check, auth_required=True,
                            auth_require_tls=not implicit, **options)
    controller.start()
    return controller


def _send(app, subject):
    with app.app_context(), app.extensions["trato"].sessionmaker() as s:
        message = outbox.queue(s, sender="crm@example.com", to=["bob@example.net"], subject=subject, text="Hi")
        s.commit()
        outcome = outbox.deliver(app)
        s.refresh(message)
        return outcome, message


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # implicit TLS: it is all TLS
@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "implicit-tls"])
def test_tls_and_login(make_app, certificate, implicit):
    inbox, port = Inbox(), free_port()
    controller = _serve(inbox, port, certificate, implicit)
    try:
        tls = {"smtp_tls": True} if implicit else {"smtp_starttls": True}
        app = make_app(smtp_host="127.0.0.1", smtp_port=port, smtp_username="crm", smtp_password="s3cret", **tls)
        outcome, row = _send(app, "over TLS")
        assert outcome == {"sent": 1} and [m["Subject"] for m in inbox.messages] == ["over TLS"]
        wrong = make_app(smtp_host="127.0.0.1", smtp_port=port, smtp_username="crm", smtp_password="guess",
                         **tls)
        outcome, row = _send(wrong, "wrong password")
        # a refused login is the settings' fault, not the message's: it waits, for the admin to fix them
        assert outcome == {"queued": 1} and row.state == "queued" and "535" in row.last_error
        assert len(inbox.messages) == 1
    finally:
        controller.stop()
