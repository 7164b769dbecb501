"""`trato run` on the embedded default runs background jobs with no other command (issue 17).

A real server process on SQLite and a CSV imported through the wizard: the
import's job finishes because the worker `trato run` started takes it; once
the server stops, so does its worker.
"""
from __future__ import annotations

import os
import re
import signal
import time
import urllib.request
import uuid

from sqlalchemy import text
from trato.db import make_engine

from .support.live import CSRF_INPUT, Visitor, base_env, start_server, trato

ADMIN = ("admin@example.com", "a-long-admin-password")


def _upload(visitor: Visitor, path: str, name: str, data: bytes) -> str:
    """POST the CSV as a multipart form, as the upload page does; the wizard page it leads to."""
    _, page = visitor.get(path)
    token = CSRF_INPUT.search(page).group(1)
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(visitor.base + path, data=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with visitor.opener.open(request, timeout=30) as resp:
        return resp.geturl()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:  # a zombie waiting for its parent is gone too
        return f.read().split()[2] == "Z"


def test_trato_run_imports_a_csv_with_no_other_command_and_stops_its_worker(tmp_path):
    url = f"sqlite:///{tmp_path / 'trato.db'}"
    env = base_env(str(tmp_path / "instance"), url, "") | {"TRATO_RUN_WORKER": "true"}  # the default
    trato("init", "--admin-email", ADMIN[0], "--admin-password", ADMIN[1], env=env)
    trato("entities", "add", "pupil", "--label", "Pupil", "--plural", "Pupils", env=env)
    trato("fields", "add", "x_pupil", "name", "--type", "text", "--label", "Name", "--required", env=env)

    server = start_server(env, str(tmp_path / "server.log"))
    try:
        said = server.output()
        worker_pid = int(re.search(r"Started a job worker \(process (\d+)\)", said).group(1))
        admin = Visitor(server.url)
        admin.sign_in(*ADMIN)
        wizard = _upload(admin, "/r/x_pupil/import", "pupils.csv", b"Name\nAda\nGrace\nKatherine\n")
        upload = wizard.rsplit("/", 1)[1]
        status, page = admin.post(f"/r/x_pupil/import/{upload}/run",
                                  {"header": "Name", "col0": "name", "mode": "create"},
                                  token_from=f"/r/x_pupil/import/{upload}")
        assert status == 200, page[-2000:]
        engine = make_engine(url)
        try:
            for _ in range(600):
                with engine.connect() as conn:
                    done = conn.execute(text("SELECT i.status, i.created, j.status FROM core_import i "
                                             "JOIN core_job j ON j.id = i.job_id")).one()
                if done[2] == "done":
                    break
                time.sleep(0.1)
            assert tuple(done) == ("done", 3, "done"), server.output()
            with engine.connect() as conn:
                names = conn.execute(text("SELECT name FROM x_pupil ORDER BY name")).scalars().all()
        finally:
            engine.dispose()
        assert names == ["Ada", "Grace", "Katherine"]
    finally:
        server.stop()
    for _ in range(300):
        if _gone(worker_pid):
            break
        time.sleep(0.1)
    assert _gone(worker_pid), "the worker outlived its server"


def test_the_worker_of_a_server_killed_outright_stops_by_itself(tmp_path):
    env = base_env(str(tmp_path / "instance"), f"sqlite:///{tmp_path / 'trato.db'}", "") | {"TRATO_RUN_WORKER": "true"}
    trato("init", "--admin-email", ADMIN[0], "--admin-password", ADMIN[1], env=env)
    server = start_server(env, str(tmp_path / "server.log"))
    worker_pid = int(re.search(r"Started a job worker \(process (\d+)\)", server.output()).group(1))
    assert not _gone(worker_pid)
    server.process.send_signal(signal.SIGKILL)  # no chance to stop its worker itself
    server.process.wait(timeout=20)
    for _ in range(300):
        if _gone(worker_pid):
            break
        time.sleep(0.1)
    assert _gone(worker_pid), "the worker outlived the server killed with SIGKILL"
