"""Several nodes: two gunicorn nodes behind Debian's nginx and two `trato worker` processes on PostgreSQL and Redis.

The growth path of docs/install.md, run on loopback under a steady load of
reads and writes through nginx: a field added and a plugin enabled on one
node are served by the other at once, a session made on one node holds on
the other, failed sign-ins on both nodes add up to one lockout, one node
killed with SIGKILL loses no acknowledged write while nginx sends the
traffic to the other, jobs and periodic tasks run exactly once across the
two workers, and a worker killed mid-import leaves the import to be queued
again and finished without a row written twice.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select, text

from trato.api.idempotency import LEASE
from trato.models import Job
from trato.testing import TEST_PASSWORD, api_token
from trato.transfer import imports
from trato.transfer.models import Import

from .support.live import ApiClient, Server, Visitor, base_env, free_port, start_gunicorn

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own: test_jobs.py uses 7 to 13
STALE_SECONDS = 4

pytestmark = [
    pytest.mark.skipif(not os.environ.get("TRATO_TEST_DATABASE_URL"),
                       reason="several nodes share a PostgreSQL database: runs in the PostgreSQL pass"),
    pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed (deploy/test.sh installs it)"),
]

NGINX_CONF = """
worker_processes 1;
{user}
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    access_log {dir}/nginx-access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream trato {{
        server 127.0.0.1:{first} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{second} max_fails=1 fail_timeout=10s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://trato;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""


@dataclass
class Call:
    """One request of the load: what it was, when, and how it ended."""

    method: str
    at: float
    ended: float = 0.0
    status: int | None = None
    error: str = ""
    record_id: int | None = None
    key: str = ""
    body: dict = field(default_factory=dict)


class Load:
    """Threads sending writes (each with an Idempotency-Key) and reads through nginx until stopped."""

    def __init__(self, api: ApiClient, threads: int = 4) -> None:
        self.api, self.calls, self.lock = api, [], threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _run(self, n: int) -> None:
        serial = 0
        while not self.stopping.is_set():
            serial += 1
            body = {"first_name": "Load", "last_name": f"T{n}-{serial:05d}"}
            self._send(Call("POST", time.monotonic(), key=str(uuid.uuid4()), body=body))
            self._send(Call("GET", time.monotonic()))

    def _send(self, call: Call) -> None:
        try:
            if call.method == "POST":
                status, _kind, made = self.api.call("POST", "contacts_contact", call.body,
                                                    {"Idempotency-Key": call.key})
                call.record_id = made["id"] if status == 201 else None
            else:
                status, _kind, _listed = self.api.call("GET", "contacts_contact?limit=5&sort=-id")
            call.status = status
        except OSError as exc:  # the connection itself failed
            call.error = repr(exc)
        call.ended = time.monotonic()
        with self.lock:
            self.calls.append(call)

    def failed(self) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.status not in (200, 201)]


def _gunicorn(env: dict[str, str], log: Path, port: int | None = None) -> Server:
    return start_gunicorn(env, str(log), workers=2, threads=4, port=port)


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    with open(log, "a", encoding="utf-8") as out:
        return subprocess.Popen([sys.executable, "-m", "trato.cli", "worker", "--workers", "2"], env=env, stdout=out,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _nginx(folder: Path, first: int, second: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, dir=folder, first=first, second=second, port=port))
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        if process.poll() is not None:
            raise AssertionError((folder / "nginx-error.log").read_text())
        try:
            Visitor(url).get("/health")
            return process, url
        except OSError:
            time.sleep(0.1)
    raise AssertionError("nginx did not start")


def _wait(what: str, check, seconds: float, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"waited {seconds} s for {what}")


def _resend(client: ApiClient, call) -> tuple[int, dict]:
    """Send a failed create again with its key, as a client does: while the key is held (409 in use, which a
    request on the killed node keeps until its lease runs out), wait and send again."""
    deadline = time.monotonic() + LEASE.total_seconds() + 15
    while True:
        status, _kind, made = client.call("POST", "contacts_contact", call.body, {"Idempotency-Key": call.key})
        if status != 409 or made.get("type") != "urn:trato:problem:idempotency-key-in-use" \
                or time.monotonic() > deadline:
            return status, made
        time.sleep(1)


def _csv(prefix: str, rows: int) -> bytes:
    return ("First name,Last name\n" + "".join(f"Imported,{prefix}-{n:06d}\n" for n in range(rows))).encode()


def _kill(process: subprocess.Popen) -> None:
    """SIGKILL the process and every process it started (its session), as a crash would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=20)


@pytest.fixture
def redis_queue() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def test_two_nodes_behind_nginx_and_two_workers_share_everything_and_survive_a_killed_node_and_worker(
        make_app, make_user, samples, installed_samples, redis_queue, tmp_path):
    app = make_app(plugins=["contacts", "greet"], extra_plugins=samples, jobs_immediate=False, redis_url=redis_queue)
    state = app.extensions["trato"]
    admin = make_user("admin@example.com", admin=True)
    env = base_env(str(tmp_path / "instance"), state.settings.database_url, installed_samples) | {
        "TRATO_REDIS_URL": redis_queue, "TRATO_SECRET_KEY": state.settings.secret_key, "TRATO_LOG_LEVEL": "INFO",
        "TRATO_JOB_STALE_SECONDS": str(STALE_SECONDS), "TRATO_TRUSTED_PROXIES": "1",
        "TRATO_API_REQUESTS_PER_MINUTE": "100000", "TRATO_API_REQUESTS_PER_MINUTE_PER_IP": "100000"}
    processes: list[subprocess.Popen] = []
    nodes = [_gunicorn(env, tmp_path / "node-a.log"), _gunicorn(env, tmp_path / "node-b.log")]
    workers = [_worker(env, tmp_path / "worker-1.log"), _worker(env, tmp_path / "worker-2.log")]
    nginx, url = _nginx(tmp_path, int(nodes[0].url.rsplit(":", 1)[1]), int(nodes[1].url.rsplit(":", 1)[1]))
    processes += [*workers, nginx]
    try:
        token = api_token(app, admin)
        balanced = ApiClient(Server(nginx, url, str(tmp_path / "nginx-error.log")), token)
        on_a, on_b = ApiClient(nodes[0], token), ApiClient(nodes[1], token)
        with Load(balanced) as load:
            # A session made on one node is honoured by the other (sessions live in the database).
            visitor = Visitor(nodes[0].url)
            visitor.sign_in("admin@example.com", TEST_PASSWORD)
            visitor.base = nodes[1].url
            status, page = visitor.get("/")
            assert status == 200 and "Sign out" in page

            # Failed sign-ins count across nodes (the counters live in Redis): five wrong passwords, alternating
            # between the nodes, lock the account on both.
            make_user("target@example.com")
            for attempt in range(5):
                status, page = Visitor(nodes[attempt % 2].url).post(
                    "/login", {"email": "target@example.com", "password": "wrong"}, token_from="/login")
                assert "Sign out" not in page
            for node in nodes:
                status, page = Visitor(node.url).post(
                    "/login", {"email": "target@example.com", "password": TEST_PASSWORD}, token_from="/login")
                assert "Too many failed attempts" in page and "Sign out" not in page, page[:500]

            # A field added on node A is used by node B's very next request.
            added = on_a.call("POST", "meta/entities/contacts_contact/fields",
                              {"name": "region", "type": "text", "label": {"en": "Region"}})
            assert added[0] == 201, added
            status, _kind, made = on_b.call("POST", "contacts_contact",
                                            {"first_name": "Ana", "last_name": "Norte", "cf_region": "Norte"})
            assert status == 201 and made["cf_region"] == "Norte", made

            # A plugin enabled on node A's admin screen serves its API on node B at once.
            visitor.base = nodes[0].url
            status, page = visitor.post("/admin/plugins/sales/enable", {}, token_from="/admin/plugins")
            assert status == 200, page[:1000]
            status, _kind, deals = on_b.call("GET", "sales_deal")
            assert status == 200 and deals["data"] == [], deals

            # Jobs queued by the web side run once each across the two workers.
            with app.app_context():
                small = [imports.start(_csv(f"S{n}", 40), f"small-{n}.csv", "contacts_contact", user=admin)
                         for n in range(6)]
                for imp in small:
                    imports.submit(imp)
                big = imports.start(_csv("BIG", 20_000), "big.csv", "contacts_contact", user=admin)
                big_job = imports.submit(big)

            # One worker killed while it runs the big import: the import is queued again and finished.
            def running_on() -> int | None:
                with state.sessionmaker() as s:
                    done = s.get(Import, big.id).rows_done
                logs = [(tmp_path / f"worker-{n}.log").read_text(errors="replace") for n in (1, 2)]
                started = [n for n, log in enumerate(logs) if f"job {big_job} started" in log]
                return started[0] + 1 if started and done else None

            which = _wait("the big import to be under way", running_on, 120, every=0.05)
            _kill(workers[which - 1])
            with state.sessionmaker() as s:
                at_kill = s.get(Import, big.id).rows_done
            assert 0 < at_kill < 20_000, "the import had to be killed half-way"
            time.sleep(STALE_SECONDS + 1)
            workers[which - 1] = _worker(env, tmp_path / f"worker-{which}.log")  # as systemd restarts it
            processes.append(workers[which - 1])

            # Node A killed outright under load, then started again on its port.
            time.sleep(1)
            killed_at = time.monotonic()
            port_a = int(nodes[0].url.rsplit(":", 1)[1])
            _kill(nodes[0].process)
            time.sleep(3)
            after_kill = len(load.calls)
            time.sleep(2)
            assert len(load.calls) > after_kill + 10, "traffic goes on through the surviving node"
            nodes[0] = _gunicorn(env, tmp_path / "node-a-again.log", port=port_a)
            time.sleep(2)

            def finished() -> bool:
                with state.sessionmaker() as s:
                    return all(s.get(Import, i.id).status == "done" for i in [*small, big])

            _wait("every import to finish", finished, 240, every=0.5)

        failures = load.failed()
        listed = "\n".join(f"{c.method} {c.status or c.error} sent at {c.at - killed_at:+.2f} s, answered at "
                           f"{c.ended - killed_at:+.2f} s of the kill" for c in failures)
        print(f"{len(load.calls)} requests through nginx, {len(failures)} failed:\n{listed}")
        # Only writes in flight on node A when it died may fail (nginx does not resend a POST); reads never.
        assert all(c.method == "POST" and c.at <= killed_at + 3 and c.ended >= killed_at for c in failures), listed
        assert len(failures) <= len(load.threads), listed
        for call in failures:  # the client sends them again with the same key: each is written once
            status, made = _resend(balanced, call)
            assert status == 201, made
            call.record_id = made["id"]

        with state.sessionmaker() as s:
            table = state.entities.get("contacts_contact").table
            names = Counter(s.scalars(select(table.c.last_name).where(table.c.deleted_at.is_(None))).all())
            acknowledged = {c.record_id for c in load.calls if c.record_id}
            kept = set(s.scalars(select(table.c.id).where(table.c.id.in_(acknowledged))).all())
            assert kept == acknowledged, f"acknowledged writes lost: {sorted(acknowledged - kept)}"
            written = [c.body["last_name"] for c in load.calls if c.method == "POST" and c.record_id]
            assert all(names[name] == 1 for name in written), "a write was made twice"
            for prefix, rows in [*((f"S{n}", 40) for n in range(len(small))), ("BIG", 20_000)]:
                assert sum(1 for name in names if name.startswith(f"{prefix}-")) == rows
                assert all(count == 1 for name, count in names.items() if name.startswith(f"{prefix}-"))
            big_row = s.get(Import, big.id)
            assert (big_row.status, big_row.created, big_row.rows_done) == ("done", 20_000, 20_000)
            assert s.get(Job, big_job).attempts == 2

            # The periodic task of the greet plugin ran once a minute, not once per worker.
            _wait("a tick of the periodic task", lambda: s.scalar(text("SELECT count(*) FROM greet_tick")), 75)
            ticks = s.scalars(select(func.date_trunc("minute", text("at"))).select_from(text("greet_tick"))).all()
            assert ticks and all(n == 1 for n in Counter(ticks).values()), ticks
    finally:
        for process in processes:
            if process.poll() is None:
                _kill(process)
        for node in nodes:
            if node.process.poll() is None:
                _kill(node.process)


def test_the_shipped_nginx_configuration_is_accepted_by_nginx(tmp_path):
    """deploy/nginx.conf, with a certificate made here and paths moved into a temporary folder, passes `nginx -t`."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=crm.example.com", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    site = (Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf").read_text()
    site = (site.replace("/etc/letsencrypt/live/crm.example.com/fullchain.pem", str(tmp_path / "cert.pem"))
            .replace("/etc/letsencrypt/live/crm.example.com/privkey.pem", str(tmp_path / "key.pem"))
            .replace("/var/cache/nginx/trato", str(tmp_path / "cache")))
    (tmp_path / "site.conf").write_text(site)
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                    f"http {{\n access_log off;\n client_body_temp_path {tmp_path}/body;\n"
                    f" proxy_temp_path {tmp_path}/proxy;\n include {tmp_path}/site.conf;\n}}\n")
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
