"""Real server processes and a small browser-less HTTP client for them."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
NEW_TOKEN = re.compile(r'id="new-token"[^>]*value="(trato_[^"]+)"')
GUNICORN_CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def trato(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the `trato` command line in its own process; with `check`, a failure shows what it wrote."""
    done = subprocess.run([sys.executable, "-m", "trato.cli", *args], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    if check and done.returncode:
        raise AssertionError(f"trato {' '.join(args)} exited with {done.returncode}:\n{done.stderr[-4000:]}")
    return done


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    log: str

    def output(self) -> str:
        """What the server wrote, for a failing test's message."""
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read()[-5000:]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def start_server(env: dict[str, str], log: str) -> Server:
    """`trato run` (the development server) on a free port."""
    port = free_port()
    return _serving([sys.executable, "-m", "trato.cli", "run", "--port", str(port), "--no-reload"], env, log, port)


def start_gunicorn(env: dict[str, str], log: str, workers: int = 3, threads: int = 4, port: int | None = None
                   ) -> Server:
    """gunicorn with deploy/gunicorn.conf.py, as in production, on `port` or a free one."""
    port = port or free_port()
    env = env | {"TRATO_WEB_BIND": f"127.0.0.1:{port}", "TRATO_WEB_WORKERS": str(workers),
                 "TRATO_WEB_THREADS": str(threads)}
    return _serving([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)], env, log, port)


def _serving(command: list[str], env: dict[str, str], log: str, port: int) -> Server:
    with open(log, "w", encoding="utf-8") as out:  # a session of its own: a test can kill it with its workers
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(url + "/login", timeout=2):
                return Server(process, url, log)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server on {url} did not start")


class Visitor:
    """A signed-in visitor of one server: cookies, CSRF token, plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def post(self, path: str, form: dict[str, str], token_from: str) -> tuple[int, str]:
        _, page = self.get(token_from)
        match = CSRF_INPUT.search(page)
        assert match, f"no CSRF token on {token_from}"
        data = urllib.parse.urlencode({**form, "csrf_token": match.group(1)}).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def sign_in(self, email: str, password: str) -> None:
        status, page = self.post("/login", {"email": email, "password": password}, token_from="/login")
        assert status == 200 and "Sign out" in page, page[:500]


class ApiClient:
    """Bearer-token JSON calls to one server's /api/v1."""

    def __init__(self, server: Server, token: str) -> None:
        self.server = server
        self.token = token

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
             ) -> tuple[int, str, Any]:
        """Status, content type and body: decoded JSON, else the text (None when there is none)."""
        data = None if body is None else json.dumps(body).encode()
        sent = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **(headers or {})}
        request = urllib.request.Request(self.server.url + "/api/v1/" + path, data=data, method=method,
                                         headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                status, kind, raw = resp.status, resp.headers.get_content_type(), resp.read()
        except urllib.error.HTTPError as err:
            status, kind, raw = err.code, err.headers.get_content_type(), err.read()
        return status, kind, json.loads(raw) if raw and kind.endswith("json") else raw.decode() or None


def write_token(visitor: Visitor, server: Server) -> ApiClient:
    """A read-and-write API token made on the profile page of `server`."""
    status, page = visitor.post("/profile/tokens", {"name": "live schema test", "scope": "write", "days": "7"},
                                token_from="/profile/tokens")
    match = NEW_TOKEN.search(page)
    assert status == 200 and match, page[:2000]
    return ApiClient(server, match.group(1))


def base_env(instance: str, database_url: str, pythonpath: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRATO_")}
    # The tests' own PYTHONPATH stays behind `pythonpath`, so that the processes run the code the tests import.
    inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    # Tests start the workers they need themselves, so `trato run` does not start one of its own.
    env.update(TRATO_INSTANCE_PATH=instance, TRATO_DATABASE_URL=database_url,
               PYTHONPATH=os.pathsep.join([pythonpath, *inherited]), TRATO_LOG_LEVEL="WARNING",
               TRATO_RUN_WORKER="false")
    return env
