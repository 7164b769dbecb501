"""Messages per second from the outbox to a loopback SMTP server (aiosmtpd), with the memory of the worker.

--messages messages are queued (one in ten carries a 100 KB PDF, read from the attachment storage when sent),
then one worker process sends them all as the outbox job does (`trato.mail.outbox.deliver`: a claim committed
before SMTP, `data_at` committed before the content, the outcome after; one SMTP connection for the batch).
The server runs in this process and counts what it takes: the figure is only printed when it took each
message exactly once.

Memory is the worker process's peak resident size (ru_maxrss).

    python mail_out.py --database sqlite:////tmp/bench-mail-out.db --fresh
    python mail_out.py --database postgresql://postgres@127.0.0.1:5432/bench_mail_out --fresh
"""
from __future__ import annotations

import argparse
import io
import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from benchdb import open_app, recreate, settings
from trato.activity import storage
from trato.app import create_app
from trato.mail import outbox

PDF = b"%PDF-1.4\n" + b"0" * 100_000 + b"\n%%EOF\n"
BATCH = 500


class Counter:
    """The SMTP server's handler: how many times each Message-ID arrived."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                key = line.split(b":", 1)[1].strip().decode()
                self.seen[key] = self.seen.get(key, 0) + 1
                break
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def queue_all(url: str, instance: Path, count: int) -> None:
    app = open_app(url, instance)
    with app.test_request_context():
        state = app.extensions["trato"]
        pdf = storage.save("bench", 1, "offer.pdf", io.BytesIO(PDF), None).id
        with state.sessionmaker() as s:
            for n in range(count):
                outbox.queue(s, sender="Bench <bench@bench.example>", to=[f"client{n}@bench.example"],
                             subject=f"Offer {n}", text=f"Dear client {n},\n\nhere is our offer.\n" * 5,
                             html=f"<p>Dear client {n},</p><p>here is our offer.</p>",
                             attachments=[pdf] if n % 10 == 0 else [])
                if n % BATCH == BATCH - 1:
                    s.commit()
            s.commit()
    app.extensions["trato"].engine.dispose()


def worker(url: str, instance: str, port: int) -> None:
    """The child: send everything due, then report the time and its peak memory."""
    config = settings(url, Path(instance))
    config.smtp_host, config.smtp_port, config.smtp_from = "127.0.0.1", port, "bench@bench.example"
    app = create_app(config)
    app.extensions["trato"].refresh()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    done: dict[str, int] = {}
    with app.app_context():
        while True:
            batch = outbox.deliver(app)
            if not batch:
                break
            for state, n in batch.items():
                done[state] = done.get(state, 0) + n
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "done": done, "rss_before": before,
                      "rss_after": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/x.db or postgresql://.../bench*")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--worker", nargs=2, metavar=("INSTANCE", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.database, args.worker[0], int(args.worker[1]))
        return
    if args.fresh:
        recreate(args.database)
    counter, port = Counter(), free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            instance = Path(tmp) / "instance"
            queue_all(args.database, instance, args.messages)
            child = subprocess.run([sys.executable, __file__, "--database", args.database, "--worker",
                                    str(instance), str(port)], capture_output=True, text=True, check=True)
            report = json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        controller.stop()
    once = len(counter.seen) == args.messages and set(counter.seen.values()) == {1}
    if not once:
        raise SystemExit(f"the server did not take each message exactly once: {len(counter.seen)} distinct, "
                         f"{sum(counter.seen.values())} in all, worker said {report['done']}")
    print(f"database: {args.database.split('://')[0]}; {args.messages} messages, one in ten with a 100 KB PDF; "
          f"each taken exactly once by the server")
    print("| item | value |")
    print("|---|---|")
    print(f"| messages per second, outbox to loopback SMTP | {args.messages / report['seconds']:8.1f} |")
    print(f"| worker peak RSS before sending, MB | {report['rss_before']:8.1f} |")
    print(f"| worker peak RSS after sending, MB | {report['rss_after']:8.1f} |")


if __name__ == "__main__":
    main()
