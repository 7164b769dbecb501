"""An import whose process is killed (SIGKILL) half way: seen as interrupted, then resumed by the next worker
to start, each row once.

Real processes on one database: the import runs through `trato records
import`, is killed after some batches have committed, then a worker and a
server take over as they would in production.
"""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from trato.db import make_engine

from ..support.live import Visitor, base_env, start_server, trato

ADMIN = ("admin@example.com", "a-long-admin-password")
ROWS = 40_000  # forty batches: the process is killed long before the end


@pytest.fixture
def database(trato_db_url: str) -> Iterator[tuple[str, object]]:
    engine = make_engine(trato_db_url)
    yield trato_db_url, engine
    engine.dispose()


def one(engine, sql: str, **params) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(text(sql), params).one())


def wait_for(check, what: str, process: subprocess.Popen | None = None, tries: int = 1200) -> None:
    for _ in range(tries):
        if check():
            return
        assert process is None or process.poll() is None, f"the process ended before {what}"
        time.sleep(0.1)
    raise AssertionError(f"never saw {what}")


def test_a_killed_import_is_interrupted_and_resumes_from_its_last_batch_without_duplicates(tmp_path, database):
    url, engine = database
    env = base_env(str(tmp_path / "instance"), url, "")
    trato("init", "--admin-email", ADMIN[0], "--admin-password", ADMIN[1], env=env)
    trato("entities", "add", "pupil", "--label", "Pupil", "--plural", "Pupils", env=env)
    trato("fields", "add", "x_pupil", "name", "--type", "text", "--label", "Name", "--required", env=env)
    big = tmp_path / "pupils.csv"
    big.write_text("Name\n" + "".join(f"Pupil {n:06d}\n" for n in range(ROWS)), encoding="utf-8")

    importing = subprocess.Popen([sys.executable, "-m", "trato.cli", "records", "import", "x_pupil", str(big),
                                  "--as", ADMIN[0]], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: one(engine, "SELECT count(*) FROM core_import WHERE rows_done >= 2000")[0], "two batches",
                 importing)
    finally:
        importing.send_signal(signal.SIGKILL)
        importing.wait(timeout=20)
    import_id, status, rows_done, created, job_id = one(
        engine, "SELECT id, status, rows_done, created, job_id FROM core_import")
    assert status == "running" and 0 < rows_done < ROWS and job_id
    # Whole batches only: what the import says it saved is what the table holds, links for undo included.
    assert one(engine, "SELECT count(*) FROM x_pupil")[0] == created == rows_done
    assert one(engine, "SELECT count(*) FROM core_import_record WHERE import_id = :i", i=import_id)[0] == created

    with engine.begin() as conn:  # time passes: the dead process writes no heartbeat
        conn.execute(text("UPDATE core_job SET created_at = :old, heartbeat_at = :old WHERE id = :j"),
                     {"old": "2000-01-01 00:00:00.000000", "j": job_id})
    server = start_server(env, str(tmp_path / "server.log"))
    worker = None
    try:
        admin = Visitor(server.url)
        admin.sign_in(*ADMIN)
        _, page = admin.get(f"/imports/{import_id}")
        assert "interrupted" in page and "Resume the import" in page, page[-3000:]
        assert re.search(rf'<tr id="import-{import_id}">.*?interrupted', admin.get("/imports")[1], re.S)
        assert re.search(rf'<tr id="job-row-{job_id}">.*?interrupted', admin.get("/jobs/")[1], re.S)

        worker = subprocess.Popen([sys.executable, "-m", "trato.cli", "worker", "--workers", "1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # A worker that starts finds the dead job and, an import being safe to run again, queues it again:
        # the import goes on from its last batch with no one asking.
        # The job is marked done in the commit after the import's last one: wait for both.
        wait_for(lambda: one(engine, "SELECT i.status, j.status FROM core_import i JOIN core_job j ON j.id = i.job_id "
                                     "WHERE i.id = :i", i=import_id) == ("done", "done"),
                 "the import and its job done", worker)
        assert one(engine, "SELECT status, attempts FROM core_job WHERE id = :j", j=job_id) == ("done", 2)
        _, page = admin.get(f"/imports/{import_id}")
        assert "Resume the import" not in page
    finally:
        server.stop()
        if worker:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=30)

    total, distinct = one(engine, "SELECT count(*), count(DISTINCT name) FROM x_pupil")
    assert total == distinct == ROWS  # every row imported exactly once
    assert one(engine, "SELECT created, failed, rows_done, total FROM core_import") == (ROWS, 0, ROWS, ROWS)
    # Undo finds every record through its link, each once: the batches before and after the kill alike.
    assert one(engine, "SELECT count(*) FROM x_pupil p JOIN core_import_record r ON r.record_id = p.id "
                       "AND r.import_id = :i AND r.action = 'created'", i=import_id)[0] == ROWS
    assert one(engine, "SELECT count(*) FROM core_job WHERE status = 'done'")[0] == 1
