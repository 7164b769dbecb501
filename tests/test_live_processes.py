"""Several real processes on one database: what one changes, the others see at once."""
from __future__ import annotations

import subprocess
import sys
import time

from sqlalchemy import text

from trato.db import make_engine

from .conftest import pip_install
from .support.live import Visitor, base_env, start_server, trato

ADMIN = ("admin@example.com", "a-long-admin-password")


def count(url: str, table: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_plugin_installed_while_running_is_enabled_in_every_process(tmp_path, trato_db_url):
    site = tmp_path / "site"
    site.mkdir()
    env = base_env(str(tmp_path / "instance"), trato_db_url, str(site))
    trato("init", "--admin-email", ADMIN[0], "--admin-password", ADMIN[1], env=env)
    first, second = start_server(env, str(tmp_path / "first.log")), start_server(env, str(tmp_path / "second.log"))
    worker = None
    try:
        # Installed with pip after both servers started: no restart follows.
        pip_install(site, "greet")
        alice, bob = Visitor(first.url), Visitor(second.url)
        alice.sign_in(*ADMIN)
        bob.sign_in(*ADMIN)
        assert bob.get("/greet/")[0] == 404

        status, page = alice.get("/admin/plugins")
        assert 'data-plugin="greet"' in page
        status, page = alice.post("/admin/plugins/greet/enable", {}, token_from="/admin/plugins")
        assert status == 200 and "greet is enabled." in page

        status, page = bob.get("/greet/")  # the other process adopts and serves it
        assert status == 200 and "No greetings yet." in page, second.output()
        assert 'href="/greet/"' in bob.get("/")[1]
        assert "Greetings" in bob.get("/")[1]  # its dashboard widget
        bob.post("/greet/", {"text": "hola"}, token_from="/greet/")

        worker = subprocess.Popen([sys.executable, "-m", "trato.cli", "worker", "--workers", "1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):  # the periodic task runs when the consumer starts
            if count(trato_db_url, "greet_tick"):
                break
            time.sleep(0.1)
        assert count(trato_db_url, "greet_tick") >= 1

        bob.post("/admin/plugins/greet/disable", {}, token_from="/admin/plugins")
        assert alice.get("/greet/")[0] == 404
        assert 'href="/greet/"' not in alice.get("/")[1]
        assert count(trato_db_url, "greet_greeting") == 1  # disabling keeps the data
    finally:
        for server in (first, second):
            server.stop()
        if worker:
            worker.terminate()
            worker.wait(timeout=20)
