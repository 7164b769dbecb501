"""Fixtures of the throttling tests: counters in the database or in Redis, and a clock that can be moved."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from trato import throttle

REDIS_URL = "redis://127.0.0.1:6379/14"  # test_jobs.py takes 7 to 13


@pytest.fixture(params=["database", "redis"])
def counters_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The `redis_url` setting for each run of the test: empty (counters in the database), then Redis.

    In Redis the test's keys carry a prefix of their own, so that other test runs sharing the server (and
    their keys) leave them alone; they are removed afterwards.
    """
    if request.param == "database":
        yield ""
        return
    prefix = f"trato-test:{uuid.uuid4().hex}:"
    monkeypatch.setattr(throttle.RedisStore, "PREFIX", prefix)
    yield REDIS_URL
    client = redis.Redis.from_url(REDIS_URL)  # a ConnectionError when Redis is not running (deploy/test.sh starts it)
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """`later(minutes=n)`: the throttle's clock moves n minutes ahead, as if that time had gone by."""
    now = throttle.clock()
    ahead = {"seconds": 0}
    monkeypatch.setattr(throttle, "clock", lambda: now + ahead["seconds"])

    def move(minutes: int = 0, seconds: int = 0) -> None:
        ahead["seconds"] += minutes * 60 + seconds

    return move
