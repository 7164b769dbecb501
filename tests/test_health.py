"""`/health`, `/ready` and the warning that no job worker runs (issue 17)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from trato import consumers
from trato.app import create_app
from trato.jobs import prepare_queue
from trato.models import Job, utcnow
from trato.settings import Settings

from .support.live import free_port

NO_WORKER = "no worker has been seen for several minutes"


def test_health_answers_without_a_database_and_ready_names_what_is_not(tmp_path):
    closed = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"
    app = create_app(Settings(instance_path=tmp_path, database_url=closed, secret_key="k"))
    client = app.test_client()
    health = client.get("/health")
    assert (health.status_code, health.json) == (200, {"status": "up"})
    ready = client.get("/ready")
    assert ready.status_code == 503 and ready.content_type == "application/problem+json"
    body = ready.json
    assert body["type"] == "urn:trato:problem:not-ready" and body["status"] == 503
    assert set(body["checks"]) == {"database", "queue", "migrations"}
    assert "refused" in body["checks"]["database"].lower() or "connect" in body["checks"]["database"].lower()
    assert body["checks"]["migrations"] == "not checked: the database does not answer"
    assert "database: " in body["detail"]


def test_ready_when_migrated_and_not_before(make_app, tmp_path, trato_db_url):
    app = make_app(jobs_immediate=False)
    prepare_queue(app.extensions["trato"].huey)
    ready = app.test_client().get("/ready")
    assert ready.status_code == 200
    assert ready.json == {"status": "ready", "checks": {"database": "ok", "queue": "ok", "migrations": "ok"}}

    fresh = create_app(Settings(instance_path=tmp_path / "fresh", database_url=f"sqlite:///{tmp_path / 'f.db'}",
                                secret_key="k", jobs_immediate=True))
    answer = fresh.test_client().get("/ready")
    assert answer.status_code == 503 and "trato init" in answer.json["checks"]["migrations"]


def _queued(app, minutes_ago: int) -> str:
    job_id = str(uuid.uuid4())
    with app.extensions["trato"].sessionmaker() as s, s.begin():
        s.add(Job(id=job_id, name="Import pupils", status="queued", progress=0, total=0, message="",
                  created_at=utcnow() - timedelta(minutes=minutes_ago)))
    return job_id


def test_admins_are_told_when_jobs_wait_and_no_worker_is_seen(make_app, client_as):
    app = make_app(jobs_immediate=False)
    huey = app.extensions["trato"].huey
    prepare_queue(huey)
    admin, user = client_as("admin"), client_as("user")
    job_id = _queued(app, minutes_ago=1)
    assert NO_WORKER not in admin.get("/").text  # a job that has just been queued waits for a moment
    assert "waiting to start" in admin.get(f"/jobs/{job_id}").text

    old = _queued(app, minutes_ago=10)
    page = admin.get("/").text
    assert NO_WORKER in page and 'id="consumer-missing"' in page
    assert NO_WORKER not in user.get("/").text  # only administrators can act on it
    assert "no background worker has run for several minutes" in admin.get(f"/jobs/{old}").text
    assert "no background worker is running" in admin.get("/jobs/").text

    consumers.beat(huey)  # a worker starts
    assert NO_WORKER not in admin.get("/").text
    assert "waiting to start" in admin.get(f"/jobs/{old}").text
    assert "no background worker is running" not in admin.get("/jobs/").text
    consumers.beat(huey, utcnow() - timedelta(minutes=5))  # ...and stops
    assert NO_WORKER in admin.get("/").text


def test_metrics_by_route_template_status_queue_and_pool_for_loopback_or_the_token(make_app, client_as):
    app = make_app(jobs_immediate=False)
    prepare_queue(app.extensions["trato"].huey)
    _queued(app, minutes_ago=2)
    admin = client_as("admin")
    assert admin.get("/jobs/no-such-job").status_code == 404
    local = {"REMOTE_ADDR": "127.0.0.1"}
    scrape = app.test_client().get("/metrics", environ_base=local)
    assert scrape.status_code == 200 and scrape.content_type.startswith("text/plain")
    text = scrape.text
    assert 'trato_http_responses_total{method="GET",route="/jobs/<job_id>",status="404"} 1.0' in text
    assert 'trato_http_request_duration_seconds_count{method="GET",route="/jobs/<job_id>"} 1.0' in text
    assert "no-such-job" not in text  # the template, never the raw path
    assert "trato_jobs_waiting 1.0" in text
    oldest = float(next(line.split()[1] for line in text.splitlines()
                        if line.startswith("trato_jobs_oldest_waiting_seconds ")))
    assert 110 <= oldest <= 3600
    assert "trato_job_queue_depth" in text and 'trato_db_pool_connections{state="in_use"}' in text

    forwarded = app.test_client().get("/metrics", environ_base=local, headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 403 and forwarded.content_type == "application/problem+json"
    assert app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403


def test_metrics_with_a_token_are_for_its_bearer_wherever_they_are(make_app):
    guarded = make_app(metrics_token="s3cret-metrics")
    local, far = {"REMOTE_ADDR": "127.0.0.1"}, {"REMOTE_ADDR": "203.0.113.9"}
    assert guarded.test_client().get("/metrics", environ_base=local).status_code == 403
    assert guarded.test_client().get("/metrics", environ_base=far,
                                     headers={"Authorization": "Bearer wrong"}).status_code == 403
    ok = guarded.test_client().get("/metrics", environ_base=far, headers={"Authorization": "Bearer s3cret-metrics"})
    assert ok.status_code == 200 and "trato_jobs_waiting" in ok.text
