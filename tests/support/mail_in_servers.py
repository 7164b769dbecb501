"""A private Dovecot IMAP server for the mail-in tests, and a TCP relay that can cut a connection mid-fetch.

Dovecot runs from a config file of its own in a temporary folder (its
runtime and state folders, a passwd-file of users, maildirs under it),
listening on 127.0.0.1 on a free port; no system service is touched.
"""
from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

USER, PASSWORD = "crm", "imap-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Dovecot:
    """A running dovecot: `port`, and helpers to deliver into and empty the mailbox."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        me = pwd.getpwuid(os.getuid())
        mail = pwd.getpwnam("nobody") if me.pw_uid == 0 else me  # dovecot serves no mail as root
        (folder / "run").mkdir(parents=True)
        (folder / "state").mkdir()
        (folder / "mail").mkdir()
        os.chown(folder / "mail", mail.pw_uid, mail.pw_gid)
        (folder / "passwd").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}:{mail.pw_uid}:{mail.pw_gid}::{folder}/mail/{USER}::\n", encoding="utf-8")
        self.config = folder / "dovecot.conf"
        self.config.write_text(f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
service auth {{
  user = {me.pw_name}
}}
first_valid_uid = {mail.pw_uid}
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {folder}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""", encoding="utf-8")
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
                    raise RuntimeError(f"dovecot did not start: {log}") from None
                time.sleep(0.1)

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, *messages: bytes) -> None:
        """Deliver messages into INBOX by IMAP APPEND."""
        conn = self.client()
        try:
            for raw in messages:
                kind, data = conn.append("INBOX", None, None, raw)
                assert kind == "OK", data
        finally:
            conn.logout()

    def empty(self) -> None:
        """A fresh INBOX with a new UIDVALIDITY: the mailbox folder removed on disk while nobody is connected."""
        shutil.rmtree(self.folder / "mail" / USER, ignore_errors=True)
        time.sleep(1.1)  # dovecot's UIDVALIDITY is the time in seconds: the next folder gets a new one

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class CuttingRelay:
    """Relays one IMAP connection at a time to `port`, and cuts it (both ways) once the server has sent
    `cut_after` FETCH responses' first bytes: a server that drops the connection mid-fetch."""

    def __init__(self, port: int, cut_after: int) -> None:
        self.target = port
        self.cut_after = cut_after
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cuts = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_server: bool) -> None:
        fetches = 0
        try:
            while data := source.recv(65536):
                if from_server and b" FETCH (" in data:
                    fetches += data.count(b" FETCH (")
                    if fetches >= self.cut_after:
                        sink.sendall(data[: data.index(b" FETCH (") + 40])  # part of the message, then nothing
                        self.cuts += 1
                        break
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self.listener.close()
