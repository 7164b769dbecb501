"""Admins changing the schema at the same time, through two real servers on one database (issue 12, item 6).

Two apps on the test's database stand for two server processes (each with
its own entity registry); each is served by werkzeug on a loopback port with
a thread per request (the `serve` fixture). Threads released together by a barrier send their
changes to both. Whatever the timing, every answer is a success or a 4xx
that names the input, never a 500, and the database ends with exactly the
columns and metadata rows of the changes that succeeded.
"""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select
from trato_trade import plugin as trade_plugin

from trato.counters import SCHEMA, read_all
from trato.entities.meta import EntityRow, FieldRow

from .conftest import token_for

Call = tuple[str, str, Any]  # method, path under /api/v1/, JSON body


@pytest.fixture
def two_servers(make_app, make_user, serve) -> tuple[list[str], str, Flask]:
    """Two apps on one database, both served; an administrator's write token valid on both."""
    first = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})
    second = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})
    token = token_for(first, make_user(name="Ada Admin", admin=True, app=first), "write")
    return [serve(first), serve(second)], token, first


def send(base: str, token: str, call: Call) -> tuple[int, Any]:
    method, path, body = call
    request = urllib.request.Request(
        f"{base}/api/v1/{path}", method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:  # a 500's page: kept for the failure's message
        return status, raw[:300].decode(errors="replace")


def all_at_once(urls: list[str], token: str, calls: list[Call]) -> list[tuple[int, Any]]:
    """Send every call from its own thread, all released together, alternating between the servers."""
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, Any]] = [(0, None)] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = send(urls[index % len(urls)], token, calls[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def field(name: str, type_: str = "text") -> dict[str, Any]:
    return {"name": name, "type": type_, "label": {"en": name.title()}, "filterable": True}


def metadata_rows(app: Flask, entity: str) -> list[str]:
    with app.extensions["trato"].sessionmaker() as session:
        return sorted(session.scalars(select(FieldRow.name).where(FieldRow.entity == entity)))


def columns(app: Flask, table: str) -> set[str]:
    with app.extensions["trato"].engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_the_same_field_added_by_several_admins_at_once_is_made_once_and_the_others_told_why(two_servers):
    urls, token, app = two_servers
    calls: list[Call] = [("POST", "meta/entities/trade_account/fields", field("region"))] * 4
    calls += [("POST", "meta/entities/trade_account/fields", field(f"extra{n}", "integer")) for n in range(4)]
    answers = all_at_once(urls, token, calls)

    same, different = answers[:4], answers[4:]
    assert sorted(status for status, _body in same) == [201, 422, 422, 422], answers
    for status, body in same:
        if status == 422:
            assert list(body["errors"]) == ["name"]
            assert "already has a field or column called 'region'" in body["errors"]["name"][0]
    assert [status for status, _body in different] == [201] * 4, different
    assert {body["name"] for status, body in answers if status == 201} == {"cf_region", *(f"cf_extra{n}" for n in
                                                                                          range(4))}
    made = ["cf_extra0", "cf_extra1", "cf_extra2", "cf_extra3", "cf_region"]
    assert metadata_rows(app, "trade_account") == made
    assert set(made) <= columns(app, "trade_account")

    # Both servers describe all five fields on their next request, and use them.
    for url in urls:
        status, entity = send(url, token, ("GET", "meta/entities/trade_account", None))
        assert status == 200 and set(made) <= {f["name"] for f in entity["fields"]}
    status, record = send(urls[1], token, ("POST", "trade_account", {"name": "Acme", "cf_region": "North",
                                                                     "cf_extra3": 3}))
    assert status == 201 and (record["cf_region"], record["cf_extra3"]) == ("North", 3)


def test_entities_made_changed_and_dropped_at_once_end_consistent(two_servers):
    urls, token, app = two_servers
    boat = {"name": "boat", "label": {"en": "Boat"}, "plural": {"en": "Boats"}, "fields": [field("hull")]}
    assert send(urls[0], token, ("POST", "meta/entities", boat))[0] == 201
    with app.extensions["trato"].sessionmaker() as session:
        version = read_all(session)[SCHEMA]
    vehicle = {"name": "vehicle", "label": {"en": "Vehicle"}, "plural": {"en": "Vehicles"},
               "fields": [field("plate")]}
    calls: list[Call] = [("POST", "meta/entities", vehicle)] * 3
    calls += [("POST", "meta/entities/x_boat/fields", field(f"mast{n}")) for n in range(3)]
    calls += [("DELETE", "meta/entities/x_boat/fields/hull?confirm=hull", None)] * 2
    answers = all_at_once(urls, token, calls)

    assert all(status < 500 for status, _body in answers), answers
    assert sorted(status for status, _body in answers[:3]) == [201, 422, 422], answers[:3]
    assert all("There is already an entity or table called 'x_vehicle'" in body["errors"]["name"][0]
               for status, body in answers[:3] if status == 422)
    assert [status for status, _body in answers[3:6]] == [201] * 3, answers[3:6]
    deleted = sorted(status for status, _body in answers[6:])
    assert deleted in ([200, 404], [200, 422]), answers[6:]  # the loser is told the field is gone
    assert all("no field 'hull'" in body["detail"] for status, body in answers[6:] if status != 200)

    assert metadata_rows(app, "x_vehicle") == ["plate"]
    assert metadata_rows(app, "x_boat") == ["mast0", "mast1", "mast2"]
    assert {"mast0", "mast1", "mast2"} <= columns(app, "x_boat") and "hull" not in columns(app, "x_boat")
    with app.extensions["trato"].sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(EntityRow).where(EntityRow.name == "x_vehicle")) == 1
        # One move of the counter per change made, each in its own transaction: every worker catches up.
        assert read_all(session)[SCHEMA] >= version + 5


def test_a_type_change_sent_by_several_admins_at_once_converts_the_values_once(two_servers):
    urls, token, app = two_servers
    kinds = {"name": "kind", "type": "select", "label": {"en": "Kind"},
             "options": [{"value": "a", "label": {"en": "A"}}, {"value": "b", "label": {"en": "B"}}]}
    assert send(urls[0], token, ("POST", "meta/entities/trade_account/fields", kinds))[0] == 201
    made = [send(urls[0], token, ("POST", "trade_account", {"name": f"A{n}", "cf_kind": kind}))
            for n, kind in enumerate(["a", "b"])]
    calls: list[Call] = [("PATCH", "meta/entities/trade_account/fields/cf_kind", {"type": "multi_select"})] * 4
    calls += [("POST", "meta/entities/trade_account/fields", field(f"note{n}")) for n in range(2)]
    answers = all_at_once(urls, token, calls)

    assert [status for status, _body in answers[4:]] == [201, 201], answers
    changes = answers[:4]
    assert all(status in (200, 422) for status, _body in changes), changes
    assert any(status == 200 and body["type"] == "multi_select" for status, body in changes)
    assert all(body["errors"] == {"type": ["cf_kind is already of type multi_select."]}
               for status, body in changes if status == 422)
    for (_status, record), kind in zip(made, ["a", "b"]):
        again = send(urls[1], token, ("GET", f"trade_account/{record['id']}", None))[1]
        assert again["cf_kind"] == [kind]  # converted once: not [[kind]]
    assert metadata_rows(app, "trade_account") == ["cf_kind", "cf_note0", "cf_note1"]
