"""Concurrent writers through a real gunicorn: every answer counted, and the requests/s they reach.

    python concurrency.py --database sqlite:////tmp/conc.db --clients 16 --seconds 60
    python concurrency.py --database postgresql://postgres@127.0.0.1:5432/bench_conc --clients 16 --seconds 60

The database is made afresh (a small generated CRM). Each client is a thread
with its own keep-alive connection and API token, mixing what a small team
does at once: creating contacts (some with an Idempotency-Key), editing a
small set of hot contacts with If-Match (so optimistic-lock races happen and
their losers must get 412), reading lists, and signing in through the form
(right and wrong passwords). An error is a 5xx or a connection failure; 412,
409 and 422 are the right answers to a lost race or a wrong password.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import select

import serve
from benchdb import ADMIN_EMAIL, open_app, server_env
from generate import generate

from trato import tokens
from trato.models import User
from trato.users import set_password

PASSWORD = "bench-password-123"
HOT = 20  # contacts every client edits: races on purpose
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client:
    """One person at the keyboard: a connection of their own, a token of their own."""

    def __init__(self, port: int, token: str, seed: int) -> None:
        self.port, self.token, self.random = port, token, random.Random(seed)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def api(self, method: str, path: str, payload: object = None, **headers: str) -> tuple[int, dict[str, str], bytes]:
        head = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **headers}
        return self.call(method, path, json.dumps(payload).encode() if payload is not None else None, head)

    def create(self) -> list[int]:
        n = self.random.randrange(10**9)
        extra = {"Idempotency-Key": uuid.uuid4().hex} if n % 2 else {}
        return [self.api("POST", "/api/v1/contacts_contact",
                         {"first_name": f"Ana{n}", "last_name": "Concurrente", "email": f"ana{n}@example.com"},
                         **extra)[0]]

    def edit(self) -> list[int]:
        path = f"/api/v1/contacts_contact/{self.random.randint(1, HOT)}"
        status, headers, _ = self.api("GET", path)
        if status != 200:
            return [status]
        changed = self.api("PATCH", path, {"job_title": f"Puesto {self.random.randrange(1000)}"},
                           **{"If-Match": headers.get("etag", "")})
        return [status, changed[0]]

    def read(self) -> list[int]:
        return [self.api("GET", "/api/v1/contacts_contact?limit=20&sort=-updated_at")[0]]

    def sign_in(self) -> list[int]:
        """The form, as a browser sends it: a fresh visitor's cookie and CSRF token, then the post."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", "/login")
            page = conn.getresponse()
            html, cookie = page.read().decode(), page.getheader("Set-Cookie", "").split(";")[0]
            match = CSRF.search(html)
            if page.status != 200 or not match:
                return [page.status]
            password = PASSWORD if self.random.random() < 0.7 else "not-the-password"
            form = urllib.parse.urlencode({"email": ADMIN_EMAIL, "password": password, "csrf_token": match.group(1)})
            conn.request("POST", "/login", body=form, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            answer = conn.getresponse()
            answer.read()
            return [page.status, answer.status]
        finally:
            conn.close()

    def step(self) -> list[int]:
        roll = self.random.random()
        if roll < 0.4:
            return self.create()
        if roll < 0.8:
            return self.edit()
        if roll < 0.95:
            return self.read()
        return self.sign_in()


def hammer(port: int, secrets: list[str], seconds: float) -> tuple[Counter[int], float]:
    """Every client's answers by status (0 for a connection failure), and the requests/s."""
    counts: list[Counter[int]] = [Counter() for _ in secrets]
    deadline = time.perf_counter() + seconds

    def run(n: int) -> None:
        client = Client(port, secrets[n], n)
        while time.perf_counter() < deadline:
            try:
                counts[n].update(client.step())
            except (OSError, http.client.HTTPException):
                counts[n][0] += 1
                client.conn.close()
                client.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(secrets))]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total: Counter[int] = sum(counts, Counter())
    return total, total.total() / (time.perf_counter() - start)


def prepare(url: str, instance: Path, clients: int) -> list[str]:
    """A fresh small CRM, the administrator's password, and a token per client."""
    generate(url, 2000, 1, True, instance, True, say=lambda _line: None)
    app = open_app(url, instance)
    with app.app_context(), app.extensions["trato"].sessionmaker() as session:
        admin = session.scalar(select(User).where(User.email == ADMIN_EMAIL))
        set_password(session, admin, PASSWORD)
        secrets = [tokens.create(session, admin, "bench", tokens.WRITE, 1)[1] for _ in range(clients)]
        session.commit()
    app.extensions["trato"].engine.dispose()
    return secrets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/x.db or postgresql://.../bench*")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        secrets = prepare(args.database, instance, args.clients)
        with serve.gunicorn(server_env(args.database, instance), "/api/v1/contacts_contact?limit=1",
                            secrets[0]) as running:
            counts, rate = hammer(running.port, secrets, args.seconds)
    errors = sum(n for status, n in counts.items() if status == 0 or status >= 500)
    print(f"{args.database.split(':')[0]}: {args.clients} clients, {args.seconds:.0f} s, "
          f"{counts.total():,} requests, {rate:,.0f} requests/s, {errors} errors")
    print("  by status: " + ", ".join(f"{status or 'failed'}: {n:,}" for status, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
