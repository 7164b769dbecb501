"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and can be told to refuse, to hold an
answer back, or to hang up at a chosen step: what the outbox must survive."""
from __future__ import annotations

import asyncio
import email
import email.message
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """The server's handler: `messages` taken (parsed), `envelopes` (their recipients), and what to do next."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.recipients: list[list[str]] = []
        self.data_answer: str | None = None  # e.g. "550 5.1.1 No such user" instead of taking the message
        self.hang_up_at: str | None = None  # "rcpt" or "data": close the connection at that step
        self.hold = threading.Event()  # set: keep the answer to DATA back until `release` is set
        self.hold_rcpt = threading.Event()  # set: keep the answer to RCPT back until `release` is set
        self.release = threading.Event()
        self.holding = threading.Event()  # set by the server once it is holding an answer back

    async def _wait(self) -> None:
        self.holding.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.hang_up_at == "rcpt":
            server.transport.close()
            return "421 closing"
        if self.hold_rcpt.is_set():
            await self._wait()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_answer:
            return self.data_answer
        self.messages.append(email.message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        if self.hang_up_at == "data":
            server.transport.close()
            return "421 closing"
        if self.hold.is_set():
            await self._wait()
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]).strip("<>") for m in self.messages]


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        inbox.release.set()
        controller.stop()
