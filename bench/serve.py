"""Trato under a real gunicorn on loopback: cold start, requests/s under concurrent clients, worker memory.

gunicorn runs with deploy/gunicorn.conf.py as shipped (its worker and
thread counts for this machine's cores), bound to a free loopback port.
The clients are threads holding one keep-alive connection each; they run
on the same two cores as the server, so the figure is a floor.
"""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    cold_start: float  # seconds from starting gunicorn to the first 200 of `path`

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, token: str, conn: http.client.HTTPConnection | None = None) -> int:
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    response.read()
    return response.status


@contextmanager
def gunicorn(env: dict[str, str], path: str, token: str, limit: float = 60.0) -> Iterator[Server]:
    """gunicorn serving the bench database; stopped (TERM, then KILL) on the way out."""
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(CONFIG)],
                               env=env | {"TRATO_WEB_BIND": f"127.0.0.1:{port}"}, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if process.poll() is not None or time.perf_counter() - start > limit:
                raise RuntimeError("gunicorn did not answer 200 (run it by hand with the same TRATO_* to see why)")
            try:
                if get(port, path, token) == 200:
                    break
            except OSError:
                time.sleep(0.02)
        yield Server(process, port, time.perf_counter() - start)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def throughput(port: int, path: str, token: str, clients: int, seconds: float) -> tuple[float, int]:
    """Requests/s answered 200 by `clients` threads hammering `path` for `seconds`; and the failures."""
    done, failed = [0] * clients, [0] * clients
    deadline = time.perf_counter() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            try:
                if get(port, path, token, conn) == 200:
                    done[n] += 1
                else:
                    failed[n] += 1
            except (OSError, http.client.HTTPException):
                failed[n] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - start), sum(failed)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cores() -> int:
    return os.cpu_count() or 1
