"""Actions plugins add to the REST API (the api_actions hook), via the trade sample plugin's "close" and "summary"."""
from __future__ import annotations

from trato import records
from trato import tokens
from trato.hooks import switch


def test_hook_api_actions(api, api_as, ana, bruno, make_record, trade_app):
    deal = make_record("trade_deal", owner=ana, name="Renewal")

    closed = api.post(f"trade_deal/{deal.id}/close", json={"outcome": "won"})
    assert closed.status_code == 200
    assert closed.json == {"id": deal.id, "stage": "won", "version": 2}
    with trade_app.app_context():
        stored = records.get("trade_deal", deal.id, user=None)
    assert stored["stage"] == "won" and str(stored["probability"]) == "100.00"  # through the record service

    assert api.get(f"trade_deal/{deal.id}/summary").json == {"name": "Renewal", "stage": "won"}
    assert api_as(ana, tokens.READ).get(f"trade_deal/{deal.id}/summary").status_code == 200

    # every refusal is problem+json naming what is wrong
    bad = api.post(f"trade_deal/{deal.id}/close", json={"outcome": "maybe"})
    assert (bad.status_code, bad.mimetype) == (422, "application/problem+json")
    assert bad.json["errors"] == {"outcome": ["Say won or lost."]}
    not_object = api.post(f"trade_deal/{deal.id}/close", json=["won"])
    assert not_object.status_code == 400 and "body" in not_object.json["errors"]
    unknown = api.post(f"trade_deal/{deal.id}/explode", json={})
    assert unknown.status_code == 404 and unknown.json["type"] == "urn:trato:problem:unknown-action"
    wrong_method = api.get(f"trade_deal/{deal.id}/close")
    assert wrong_method.status_code == 405 and wrong_method.headers["Allow"] == "POST"
    assert api.post("trade_deal/99999999999/close", json={"outcome": "won"}).status_code == 404
    read_only = api_as(ana, tokens.READ).post(f"trade_deal/{deal.id}/close", json={"outcome": "lost"})
    assert read_only.status_code == 403
    others = api_as(bruno).post(f"trade_deal/{deal.id}/close", json={"outcome": "lost"})  # not his to see
    assert others.status_code == 404

    # a POST with an Idempotency-Key is answered once
    again = make_record("trade_deal", owner=ana, name="Upsell")
    first = api.post(f"trade_deal/{again.id}/close", json={"outcome": "lost"}, headers={"Idempotency-Key": "k1"})
    replay = api.post(f"trade_deal/{again.id}/close", json={"outcome": "lost"}, headers={"Idempotency-Key": "k1"})
    assert first.json == replay.json == {"id": again.id, "stage": "lost", "version": 2}

    # a disabled plugin's actions are gone with its entities
    with trade_app.app_context():
        switch.disable(trade_app, "trade")
    assert api.post(f"trade_deal/{deal.id}/close", json={"outcome": "lost"}).status_code == 404
