"""API rate limits per token and per address, and the lockout of addresses that send bad tokens.

The counters are shared (database or Redis), so the concurrent tests serve the
app on a real threaded server and count what its answers allowed. The
throttle's clock is held still (`later`), so that no window ends mid-test.
"""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest
from trato_trade import plugin as trade_plugin

from trato import tokens

from ..support.throttling import counters_url, later  # noqa: F401  (fixtures)
from .conftest import Api, token_for

BAD_TOKEN = "trato_0badc0de_" + "x" * 43


@pytest.fixture
def limited(make_app, make_user, counters_url, later):  # noqa: F811
    """`limited(**settings)`: an app with the trade plugin, those limits and its counters in the database or Redis,
    and a factory of API clients (`client(user=None, address="127.0.0.1", token=None)`)."""

    def factory(**settings):
        app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin}, redis_url=counters_url, **settings)
        user = make_user(name="Ana", app=app)

        def client(token: str | None = None, address: str = "127.0.0.1") -> Api:
            test_client = app.test_client()
            test_client.environ_base["REMOTE_ADDR"] = address
            return Api(test_client, token or token_for(app, user, tokens.WRITE), user)

        return app, client

    return factory


def assert_too_many(response, most_seconds: int) -> None:
    assert response.status_code == 429 and response.mimetype == "application/problem+json"
    assert response.json["title"] == "Too many requests" and response.json["type"] == "urn:trato:problem:rate-limited"
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= most_seconds
    assert response.json["detail"] == f"Too many requests from this token or address. Try again in {wait} seconds."


def test_a_token_past_its_rate_waits_for_the_next_minute(limited, later):  # noqa: F811
    app, client = limited(api_requests_per_minute=3)
    api, other = client(), client()
    assert [api.get("trade_deal").status_code for _ in range(3)] == [200] * 3
    assert_too_many(api.get("trade_deal"), 60)
    assert_too_many(api.post("trade_deal", json={"name": "Refused"}), 60)
    assert other.get("trade_deal").json["data"] == []  # another token of the same user and address goes on
    later(seconds=61)
    assert api.get("trade_deal").status_code == 200


def test_an_address_past_its_rate_is_refused_whatever_token_it_sends(limited):
    app, client = limited(api_requests_per_minute_per_ip=4)
    first, second = client(), client()
    assert [api.get("trade_deal").status_code for api in (first, second, first, second)] == [200] * 4
    assert_too_many(first.get("trade_deal"), 60)
    assert_too_many(client().get("trade_deal"), 60)
    assert client(address="192.0.2.9").get("trade_deal").status_code == 200


def test_bad_tokens_lock_their_address_out_even_with_a_good_token(limited, later):  # noqa: F811
    app, client = limited(api_max_failures_per_ip=3, api_lockout_minutes=10)
    good = client()
    guesser = client(BAD_TOKEN)
    assert [guesser.get("trade_deal").status_code for _ in range(2)] == [401, 401]
    assert_too_many(guesser.get("trade_deal"), 600)
    assert_too_many(Api(app.test_client(), None, None).get("trade_deal"), 600)  # no token at all
    assert_too_many(good.get("trade_deal"), 600)  # refused before any token is looked at
    assert client(address="192.0.2.9").get("trade_deal").status_code == 200
    later(minutes=9)
    assert_too_many(good.get("trade_deal"), 60)
    later(minutes=2)
    assert good.get("trade_deal").status_code == 200


def hammer(url: str, token: str, threads: int, each: int) -> Counter[tuple[int, str]]:
    """`threads` clients calling `url` `each` times at once; how many answers of each status and type came back."""
    answers: Counter[tuple[int, str]] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def run() -> None:
        start.wait()
        for _ in range(each):
            call = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
            try:
                with urllib.request.urlopen(call, timeout=60) as answer:
                    status, kind = answer.status, answer.headers["Content-Type"]
                    json.load(answer)
            except urllib.error.HTTPError as refused:
                status, kind = refused.code, refused.headers["Content-Type"]
            with lock:
                answers[status, kind] += 1

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers


PROBLEM = "application/problem+json"


def test_concurrent_calls_never_get_past_the_tokens_rate(limited, serve):
    app, client = limited(api_requests_per_minute=20)
    base = serve(app)
    answers = hammer(f"{base}/api/v1/trade_deal", client().token, threads=8, each=8)
    assert answers == {(200, "application/json"): 20, (429, PROBLEM): 44}


def test_concurrent_bad_tokens_are_locked_out_at_the_threshold(limited, serve):
    app, client = limited(api_max_failures_per_ip=15)
    base = serve(app)
    answers = hammer(f"{base}/api/v1/trade_deal", BAD_TOKEN, threads=8, each=6)
    assert answers == {(401, PROBLEM): 14, (429, PROBLEM): 34}
    good = urllib.request.Request(f"{base}/api/v1/trade_deal", headers={"Authorization": f"Bearer {client().token}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(good, timeout=60)
    assert refused.value.code == 429 and int(refused.value.headers["Retry-After"]) > 0
