"""The REST API's record calls: list, read, create, change with If-Match, delete, and idempotent POSTs."""
from __future__ import annotations

import pytest

from trato import records


def test_the_list_filters_sorts_and_pages_with_an_opaque_cursor(api, ana, make_record):
    for name, city, employees in [("Acme", "Madrid", 50), ("Bolt", "Madrid", 10), ("Cima", "Madrid", 30),
                                  ("Duna", "Lima", 40), ("Eje", "Madrid", 5)]:
        make_record("trade_account", owner=ana, name=name, city=city, employees=employees)

    first = api.get("trade_account?city=Madrid&employees__gte=10&sort=-employees,name&limit=2")
    assert first.status_code == 200
    assert [r["name"] for r in first.json["data"]] == ["Acme", "Cima"]
    meta = first.json["meta"]
    assert (meta["count"], meta["count_is_estimate"], meta["count_kind"]) == (3, False, "exact")
    cursor = first.json["meta"]["next_cursor"]
    assert cursor

    second = api.get("trade_account", query_string={"city": "Madrid", "employees__gte": "10", "sort": "-employees,name",
                                                    "limit": "2", "cursor": cursor})
    assert [r["name"] for r in second.json["data"]] == ["Bolt"]
    assert second.json["meta"]["next_cursor"] is None

    listed = api.get("trade_account?name__in=Duna,Eje&sort=name").json["data"]
    assert [(r["name"], r["city"], r["employees"]) for r in listed] == [("Duna", "Lima", 40), ("Eje", "Madrid", 5)]
    assert [r["name"] for r in api.get("trade_account?q=lima").json["data"]] == ["Duna"]


def test_a_record_reads_with_its_etag_and_money_as_strings(api, ana, make_record):
    deal = make_record("trade_deal", owner=ana, name="Renewal", amount={"amount": "1200.5", "currency": "EUR"},
                       closes_on="2026-12-31", tags=["big"])
    got = api.get(f"trade_deal/{deal.id}")
    assert got.status_code == 200
    assert got.headers["ETag"] == '"1"'
    assert got.json["amount"] == {"amount": "1200.50", "currency": "EUR"}
    expected = {"id": deal.id, "name": "Renewal", "stage": "new", "closes_on": "2026-12-31", "tags": ["big"],
                "owner_id": ana.id, "version": 1, "deleted_at": None}
    assert {key: got.json[key] for key in expected} == expected


def test_create_answers_201_with_the_record_its_location_and_etag(api, ana, trade_app):
    made = api.post("trade_deal", json={"name": "New deal", "stage": "won",
                                        "amount": {"amount": 99.99, "currency": "USD"}})
    assert made.status_code == 201
    assert made.headers["Location"] == f"/api/v1/trade_deal/{made.json['id']}"
    assert made.headers["ETag"] == '"1"'
    assert made.json["probability"] == "100.00"  # trade's before_save hook ran
    with trade_app.app_context():
        stored = records.get("trade_deal", made.json["id"], user=None)
    assert stored["name"] == "New deal" and stored["owner_id"] == ana.id
    assert str(stored["amount"].amount) == "99.99" and stored["amount"].currency == "USD"


def test_patch_needs_the_current_version_in_if_match(api, ana, make_record, trade_app):
    account = make_record("trade_account", owner=ana, name="Acme", city="Madrid")

    missing = api.patch(f"trade_account/{account.id}", json={"city": "Lima"})
    assert missing.status_code == 428
    assert missing.json["errors"] == {"If-Match": ["This header is required."]}

    changed = api.patch(f"trade_account/{account.id}", json={"city": "Lima"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200
    assert changed.json["city"] == "Lima" and changed.json["version"] == 2
    assert changed.headers["ETag"] == '"2"'

    stale = api.patch(f"trade_account/{account.id}", json={"city": "Quito"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.content_type == "application/problem+json"
    assert "version 2" in stale.json["detail"] and "If-Match" in stale.json["errors"]
    with trade_app.app_context():
        assert records.get("trade_account", account.id, user=None)["city"] == "Lima"  # nothing overwritten


def test_delete_moves_the_record_to_the_recycle_bin(api, ana, make_record, trade_app):
    account = make_record("trade_account", owner=ana, name="Acme")
    assert api.delete(f"trade_account/{account.id}", headers={"If-Match": '"7"'}).status_code == 412
    gone = api.delete(f"trade_account/{account.id}")
    assert gone.status_code == 204 and gone.data == b""
    assert api.get(f"trade_account/{account.id}").status_code == 404
    with trade_app.app_context():
        binned = records.query("trade_account", user=None, deleted=True).page().items
    assert [r.id for r in binned] == [account.id]


def test_a_repeated_idempotency_key_replays_the_first_response(api, trade_app):
    key = {"Idempotency-Key": "order-7f3a"}
    first = api.post("trade_account", json={"name": "Acme", "city": "Madrid"}, headers=key)
    again = api.post("trade_account", data='{"city": "Madrid",  "name": "Acme"}',
                     headers=key | {"Content-Type": "application/json"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"] and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    with trade_app.app_context():
        assert records.query("trade_account", user=None).count().value == 1

    other = api.post("trade_account", json={"name": "Bolt"}, headers=key)
    assert other.status_code == 422
    assert other.content_type == "application/problem+json"
    assert list(other.json["errors"]) == ["Idempotency-Key"]
    with trade_app.app_context():
        assert records.query("trade_account", user=None).count().value == 1


def test_a_key_is_the_users_own_and_a_failed_request_frees_it(api_as, ana, bruno):
    key = {"Idempotency-Key": "same-key"}
    refused = api_as(ana).post("trade_account", json={"name": ""}, headers=key)
    assert refused.status_code == 422
    made = api_as(ana).post("trade_account", json={"name": "Fixed"}, headers=key)
    assert made.status_code == 201 and "Idempotent-Replayed" not in made.headers
    theirs = api_as(bruno).post("trade_account", json={"name": "Bruno's"}, headers=key)
    assert theirs.status_code == 201 and theirs.json["name"] == "Bruno's"


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_a_malformed_idempotency_key_is_refused(api, key):
    refused = api.post("trade_account", json={"name": "Acme"}, headers={"Idempotency-Key": key})
    assert refused.status_code == 400
    assert list(refused.json["errors"]) == ["Idempotency-Key"]
