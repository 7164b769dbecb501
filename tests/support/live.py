"""Real server processes and a small browser-less HTTP client for them."""
from __future__ import annotations

import http.cookiejar
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

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


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
    port = free_port()
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "trato.cli", "run", "--port", str(port), "--no-reload"],
            env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
        )
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


def base_env(instance: str, database_url: str, pythonpath: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRATO_")}
    env.update(TRATO_INSTANCE_PATH=instance, TRATO_DATABASE_URL=database_url, PYTHONPATH=pythonpath,
               TRATO_LOG_LEVEL="WARNING")
    return env
