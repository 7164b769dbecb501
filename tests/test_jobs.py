"""Background jobs: in-process (immediate mode) and a real consumer on Redis."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from datetime import timedelta

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


def test_a_running_job_writes_its_heartbeat_from_a_thread_of_its_own(greet_app, monkeypatch):
    """The task below does nothing but wait for its heartbeat to move on; the job's thread writes it."""
    from trato import jobs
    from trato.jobs import TaskRegistry

    monkeypatch.setattr(jobs, "HEARTBEAT", timedelta(milliseconds=10))
    state = greet_app.extensions["trato"]

    def wait_for_a_beat(ctx):
        with state.sessionmaker() as s:
            first = s.get(Job, ctx.job_id).heartbeat_at
        for _ in range(3000):
            with state.sessionmaker() as s:
                if s.get(Job, ctx.job_id).heartbeat_at != first:
                    return True
            time.sleep(0.01)
        return False

    TaskRegistry(greet_app, state.huey, "core", state.tasks).task("wait_for_a_beat", wait_for_a_beat)
    with greet_app.app_context():
        job = submit("core.wait_for_a_beat")
    with state.sessionmaker() as s:
        row = s.get(Job, job.id)
    assert (row.status, row.result) == ("done", True) and row.heartbeat_at is not None


def test_a_job_that_is_not_in_the_workers_database_is_refused_not_run(greet_app, caplog):
    """A worker pointed at another database than the server that queued the job finds no row for it."""
    import logging

    from trato.jobs import TaskRegistry

    state, ran = greet_app.extensions["trato"], []
    TaskRegistry(greet_app, state.huey, "core", state.tasks).task("note", lambda ctx: ran.append(ctx.job_id))
    said = logging.getLogger("trato.jobs")
    said.addHandler(caplog.handler)  # the trato loggers write to their own handler, not to the root's
    try:
        state.tasks["core.note"](job_id="queued-by-another-install")
    finally:
        said.removeHandler(caplog.handler)
    assert ran == []
    assert "refusing job queued-by-another-install (core.note): it is not in this worker's database" in caplog.text
    with greet_app.app_context():
        job = submit("core.note")
    assert ran == [job.id]


def test_a_periodic_task_fired_by_several_workers_at_one_tick_runs_once(greet_app, monkeypatch):
    """Every worker's scheduler fires each periodic task; eight firings at once, from threads, run it once."""
    import threading

    from trato import jobs
    from trato.jobs import TaskRegistry, crontab
    from trato.models import utcnow

    state, ran, start = greet_app.extensions["trato"], [], threading.Barrier(8)
    tick = utcnow().replace(second=5)
    monkeypatch.setattr(jobs, "utcnow", lambda: tick)
    TaskRegistry(greet_app, state.huey, "core", state.tasks).periodic("tally", lambda ctx: ran.append(1),
                                                                     crontab(minute="*"))

    def fire() -> None:
        start.wait()
        state.tasks["core.tally"]()

    threads = [threading.Thread(target=fire) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ran == [1]
    monkeypatch.setattr(jobs, "utcnow", lambda: tick + timedelta(minutes=1))
    state.tasks["core.tally"]()
    assert ran == [1, 1]  # the next tick runs again


def test_a_dead_workers_job_is_queued_again_when_its_task_allows_it_and_left_interrupted_otherwise(greet_app):
    """Jobs whose heartbeat stopped: a task registered with retry=True runs again (up to three runs in all)."""
    from trato import jobs
    from trato.jobs import TaskRegistry
    from trato.models import utcnow

    state, seen = greet_app.extensions["trato"], []
    registry = TaskRegistry(greet_app, state.huey, "core", state.tasks)
    registry.task("again", lambda ctx, n: seen.append((ctx.job_id, n)) or n, retry=True)
    registry.task("once", lambda ctx, n: n)
    stale = dict(status="running", progress=0, total=0, message="", heartbeat_at=utcnow() - timedelta(minutes=5))
    with state.sessionmaker() as s, s.begin():
        s.add_all([Job(id="a", name="A", task="core.again", arguments={"n": 7}, **stale),
                   Job(id="b", name="B", task="core.once", arguments=None, **stale),
                   Job(id="c", name="C", task="core.again", arguments={"n": 8}, attempts=jobs.MAX_ATTEMPTS,
                       **stale)])
    state.tasks["core.mark_interrupted_jobs"]()  # what a worker runs when it starts, then every minute
    with state.sessionmaker() as s:
        rows = {job.id: (job.status, job.attempts, job.result) for job in s.scalars(select(Job))}
    assert rows == {"a": ("done", 2, 7), "b": ("interrupted", 1, None),
                    "c": ("interrupted", jobs.MAX_ATTEMPTS, None)}
    assert seen == [("a", 7)]


def test_a_job_keeps_its_arguments_only_when_its_task_may_run_again(greet_app):
    with greet_app.app_context():
        counted = submit("greet.count", upto=2)
        imported = submit("core.import_records", import_id=999_999)  # fails: there is no such import
    with greet_app.extensions["trato"].sessionmaker() as s:
        assert (s.get(Job, counted.id).task, s.get(Job, counted.id).arguments) == ("greet.count", None)
        assert (s.get(Job, imported.id).task, s.get(Job, imported.id).arguments) == (
            "core.import_records", {"import_id": 999_999})


def _job(app, job_id: str, status: str, beat_ago: timedelta | None, **fields) -> None:
    from trato.models import utcnow

    with app.extensions["trato"].sessionmaker() as s, s.begin():
        s.add(Job(id=job_id, name=f"Job {job_id}", status=status, progress=2, total=10, message="",
                  heartbeat_at=utcnow() - beat_ago if beat_ago is not None else None, **fields))


def test_a_running_job_whose_heartbeat_stopped_is_shown_interrupted_and_marked_so(greet_app, client_as, make_user):
    from trato.models import utcnow

    owner = make_user()
    _job(greet_app, "alive", "running", timedelta(seconds=2), user_id=owner.id)
    _job(greet_app, "dead", "running", timedelta(minutes=10), user_id=owner.id)
    _job(greet_app, "old", "running", None, user_id=owner.id, created_at=utcnow() - timedelta(hours=1))
    _job(greet_app, "over", "done", timedelta(minutes=10), user_id=owner.id)
    client = client_as(owner)
    alive, dead = client.get("/jobs/alive").data.decode(), client.get("/jobs/dead").data.decode()
    assert "running" in alive and 'hx-trigger="every 1s"' in alive
    assert "interrupted: the process running it stopped" in dead and "hx-trigger" not in dead
    listed = client.get("/jobs/").data.decode()
    row = re.search(r'<tr id="job-row-dead">(.*?)</tr>', listed, re.S).group(1)
    assert "interrupted" in row and "2 of 10" in row
    assert "interrupted" not in re.search(r'<tr id="job-row-alive">(.*?)</tr>', listed, re.S).group(1)
    assert "job-row-dead" not in client_as("user").get("/jobs/").data.decode()  # someone else's

    state = greet_app.extensions["trato"]
    state.tasks["core.mark_interrupted_jobs"]()  # what a worker runs when it starts, then every minute
    with state.sessionmaker() as s:
        statuses = {job.id: job.status for job in s.scalars(select(Job))}
    assert statuses == {"alive": "running", "dead": "interrupted", "old": "interrupted", "over": "done"}
