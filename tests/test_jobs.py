"""Background jobs: in-process (immediate mode) and a real consumer on Redis."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
from sqlalchemy import func, select

from trato.jobs import submit
from trato.models import Job


def test_job_reports_progress_and_result(greet_app):
    with greet_app.app_context():
        job = submit("greet.count", title="Count greetings", upto=4)
    with greet_app.extensions["trato"].sessionmaker() as s:
        row = s.get(Job, job.id)
    assert (row.status, row.progress, row.total, row.message, row.result) == ("done", 4, 4, "step 4", 0)
    assert row.percent == 100 and row.finished_at is not None


def test_failing_job_is_marked_failed_with_the_reason(greet_app):
    with greet_app.app_context():
        submit("greet.count", upto="three")
    with greet_app.extensions["trato"].sessionmaker() as s:
        row = s.scalars(select(Job)).one()
    assert row.status == "failed" and "str" in row.message


def test_unknown_task_is_refused(greet_app):
    from trato.errors import TratoError

    with greet_app.app_context(), pytest.raises(TratoError, match="no background task called 'greet.nope'"):
        submit("greet.nope")


def test_job_status_page_polls_while_running(greet_app, client_as, make_user):
    owner = make_user()
    with greet_app.extensions["trato"].sessionmaker() as s, s.begin():
        s.add(Job(id="j1", name="Import", status="running", progress=5, total=10, message="", user_id=owner.id))
    page = client_as(owner).get("/jobs/j1").data.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="50"' in page and "5 of 10" in page
    assert client_as("user").get("/jobs/j1").status_code == 404  # someone else's job


def test_periodic_task_is_skipped_while_its_plugin_is_disabled(greet_app):
    from trato.hooks import switch
    from trato_greet.models import Tick

    state = greet_app.extensions["trato"]
    state.tasks["greet.tick"]()
    switch.disable(greet_app, "greet")
    state.tasks["greet.tick"]()
    with state.sessionmaker() as s:
        assert s.scalar(select(func.count()).select_from(Tick)) == 1


@pytest.fixture
def redis_url():
    url = f"redis://127.0.0.1:6379/{7 + (os.getpid() % 7)}"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (deploy/test.sh starts it)")
    client.flushdb()
    yield url
    client.flushdb()


def test_real_worker_runs_a_job_from_redis(make_app, samples, installed_samples, redis_url, tmp_path):
    """`trato worker` in its own process consumes a job queued by the web app."""
    app = make_app(plugins=["greet"], extra_plugins=samples, jobs_immediate=False, redis_url=redis_url)
    url = app.extensions["trato"].settings.database_url
    env = {**os.environ, "PYTHONPATH": installed_samples, "TRATO_INSTANCE_PATH": str(tmp_path / "worker"),
           "TRATO_DATABASE_URL": url, "TRATO_REDIS_URL": redis_url, "TRATO_SECRET_KEY": "x" * 20}
    worker = subprocess.Popen([sys.executable, "-m", "trato.cli", "worker", "--workers", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with app.app_context():
            job = submit("greet.count", upto=2, title=f"count {uuid.uuid4().hex[:6]}")
        status = "queued"
        for _ in range(300):
            with app.extensions["trato"].sessionmaker() as s:
                status = s.get(Job, job.id).status
            if status in ("done", "failed") or worker.poll() is not None:
                break
            time.sleep(0.1)
        assert status == "done", worker.stdout.read() if worker.poll() is not None else status
    finally:
        worker.terminate()
        worker.wait(timeout=20)
