"""Messages per second taken in through the MTA pipe and from IMAP, with the memory of the process taking them.

The database holds --contacts contacts (the contacts plugin), so that every message is matched by address
against real email fields; one message in five carries a 100 KB PDF, which is kept as the record's file.

- pipe: `trato mail-in` run once per message, as Postfix's pipe transport runs it (a new process each time:
  its start-up is part of the figure), --pipe messages one after the other;
- IMAP: a private Dovecot (as the tests start it) gets --imap messages by APPEND, then one worker process
  polls the mailbox once (`trato.mailin.imap.poll`, what `core.poll_mailboxes` runs) and takes them all.

Memory is the peak resident size (ru_maxrss) of the child processes: the largest `trato mail-in`, and the
polling worker.

    python mail_in.py --database sqlite:////tmp/bench-mail.db --fresh
    python mail_in.py --database postgresql://postgres@127.0.0.1:5432/bench_mail --fresh
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select

from benchdb import SECRET, open_app, recreate
from trato import records
from trato.hooks import switch
from trato.mailin.models import Mailbox, ReceivedMail

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.mail_in_servers import PASSWORD, USER, Dovecot  # noqa: E402

PDF = b"%PDF-1.4\n" + b"0" * 100_000 + b"\n%%EOF\n"


def message(n: int, contacts: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Client {n} <client{n % contacts}@bench.example>"
    msg["To"] = "sales@ours.example"
    msg["Subject"] = f"Bench message {n}"
    msg["Message-ID"] = f"<bench-{n}-{time.time_ns()}@bench.example>"
    msg.set_content(f"Hello,\n\nthis is message {n}.\n" * 20)
    if n % 5 == 0:
        msg.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"offer-{n}.pdf")
    return msg.as_bytes()


def prepare(app, contacts: int) -> None:
    if not app.extensions["trato"].plugins.is_enabled("contacts"):
        switch.enable(app, "contacts")
    with app.app_context():
        have = records.query("contacts_contact", user=None).count(threshold=10**9).value
        if have < contacts:
            records.bulk_create("contacts_contact", [{"last_name": f"Client {i}", "email": f"client{i}@bench.example"}
                                                     for i in range(have, contacts)], user=None)


def env_for(url: str, instance: Path) -> dict[str, str]:
    return os.environ | {"TRATO_DATABASE_URL": url, "TRATO_SECRET_KEY": SECRET, "TRATO_INSTANCE_PATH": str(instance),
                         "TRATO_LOG_LEVEL": "WARNING"}


def taken(app) -> int:
    with app.extensions["trato"].sessionmaker() as session:
        return int(session.scalar(select(func.count(ReceivedMail.id))) or 0)


def bench_pipe(app, url: str, instance: Path, count: int, contacts: int) -> tuple[float, int]:
    before = taken(app)
    start = time.perf_counter()
    for n in range(count):
        done = subprocess.run([sys.executable, "-m", "trato.cli", "mail-in"], input=message(n, contacts),
                              env=env_for(url, instance), capture_output=True)
        if done.returncode:
            raise SystemExit(f"trato mail-in exited {done.returncode}: {done.stderr.decode()[-500:]}")
    elapsed = time.perf_counter() - start
    assert taken(app) - before == count
    return count / elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def poll_worker(url: str, instance: str, box_id: int) -> None:
    """The polling worker: one poll of the mailbox, its figures as JSON on stdout."""
    from benchdb import settings
    from trato import create_app
    from trato.mailin import imap

    app = create_app(settings(url, Path(instance)))
    with app.app_context():
        app.extensions["trato"].refresh()
        start = time.perf_counter()
        result = imap.poll(box_id)
        elapsed = time.perf_counter() - start
    print(json.dumps({"taken": result.taken, "error": result.error, "seconds": elapsed,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def bench_imap(app, url: str, instance: Path, count: int, contacts: int, folder: Path) -> dict[str, float]:
    server = Dovecot(folder)
    try:
        server.append(*(message(100_000 + n, contacts) for n in range(count)))
        with app.extensions["trato"].sessionmaker() as session:
            box = Mailbox(name=f"bench-{time.time_ns()}", host="127.0.0.1", port=server.port, security="none",
                          username=USER, password=PASSWORD, folder="INBOX")
            session.add(box)
            session.commit()
            box_id = box.id
        done = subprocess.run([sys.executable, __file__, "--poll-worker", url, str(instance), str(box_id)],
                              env=env_for(url, instance), capture_output=True, text=True, cwd=Path(__file__).parent)
        if done.returncode:
            raise SystemExit(done.stderr[-2000:])
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        if figures["error"] or figures["taken"] != count:
            raise SystemExit(f"poll took {figures['taken']} of {count}: {figures['error']}")
        return figures
    finally:
        server.stop()


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--poll-worker":
        poll_worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/x.db or postgresql://.../bench*")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--pipe", type=int, default=30, help="messages through `trato mail-in`")
    parser.add_argument("--imap", type=int, default=500, help="messages polled from IMAP")
    args = parser.parse_args()
    if args.fresh:
        recreate(args.database)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # dovecot's own users walk into it
        instance = Path(tmp) / "instance"
        app = open_app(args.database, instance)
        prepare(app, args.contacts)
        print(f"{app.extensions['trato'].engine.dialect.name}, {args.contacts} contacts, 1 message in 5 with a "
              f"100 KB PDF")
        rate, rss = bench_pipe(app, args.database, instance, args.pipe, args.contacts)
        print(f"pipe  `trato mail-in`, a process per message: {rate:6.1f} messages/s over {args.pipe}; "
              f"largest process {rss / 1024:.0f} MB", flush=True)
        figures = bench_imap(app, args.database, instance, args.imap, args.contacts, Path(tmp) / "dovecot")
        print(f"IMAP  one poll of {args.imap} messages (Dovecot on loopback): "
              f"{args.imap / figures['seconds']:6.1f} messages/s; worker {figures['maxrss_kb'] / 1024:.0f} MB")
        app.extensions["trato"].engine.dispose()


if __name__ == "__main__":
    main()
