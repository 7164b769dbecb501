"""REST calls a plugin adds under /api/v1/<plugin>/ (the api_endpoints hook), through the trade sample plugin."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from trato import ApiEndpoint, access, records, tokens
from trato.access import PermissionRefused
from trato.hooks import switch
from trato.models import User
from trato.roles import extra_permissions
from trato.roles.models import Role


def grant(app, role: str, *names: str) -> None:
    with app.app_context(), app.extensions["trato"].sessionmaker() as session:
        found = session.scalar(select(Role).where(Role.name == role))
        extra_permissions.set_role_permissions(session, found, names)
        session.commit()


def role_of(app, user) -> str:
    with app.extensions["trato"].sessionmaker() as session:
        return session.scalar(select(Role.name).join(User, User.role_id == Role.id).where(User.id == user.id))


def test_hook_api_endpoints(api, api_as, ana, bruno, make_record, trade_app):
    mine = make_record("trade_deal", owner=ana, name="Renewal")
    make_record("trade_deal", owner=ana, name="Upsell", stage="won")
    make_record("trade_deal", owner=bruno, name="Bruno's")

    assert api.get("trade/pipeline").json == {"stages": {"new": 1, "won": 1}}  # only the deals Ana sees
    assert api_as(ana, tokens.READ).get("trade/pipeline").status_code == 200
    wrong_method = api.delete("trade/pipeline")
    assert (wrong_method.status_code, wrong_method.mimetype) == (405, "application/problem+json")

    anonymous = trade_app.test_client().get("/api/v1/trade/pipeline")
    assert (anonymous.status_code, anonymous.mimetype) == (401, "application/problem+json")
    assert "Authorization" in anonymous.json["errors"]

    # the call needs the plugin's own permission, which Ana's role lacks until granted
    refused = api.post(f"trade/deals/{mine.id}/close", json={"outcome": "won"})
    assert (refused.status_code, refused.mimetype) == (403, "application/problem+json")
    assert "trade_close_deal" in refused.json["detail"]
    grant(trade_app, role_of(trade_app, ana), "trade_close_deal")

    bad = api.post(f"trade/deals/{mine.id}/close", json={"outcome": "maybe"})
    assert (bad.status_code, bad.mimetype) == (422, "application/problem+json")
    assert bad.json["errors"] == {"outcome": ["Say won or lost."]}
    assert api.post(f"trade/deals/{mine.id}/close", json=["won"]).json["errors"] == {"body": ["Send a JSON object."]}
    outside = api.post(f"trade/deals/{make_record('trade_deal', owner=bruno, name='Not hers').id}/close",
                       json={"outcome": "won"})
    assert outside.status_code == 404 and outside.json["type"] == "urn:trato:problem:record-not-found"
    read_only = api_as(ana, tokens.READ).post(f"trade/deals/{mine.id}/close", json={"outcome": "won"})
    assert read_only.status_code == 403 and read_only.json["type"] == "urn:trato:problem:read-only-token"

    first = api.post(f"trade/deals/{mine.id}/close", json={"outcome": "won"}, headers={"Idempotency-Key": "c1"})
    replay = api.post(f"trade/deals/{mine.id}/close", json={"outcome": "won"}, headers={"Idempotency-Key": "c1"})
    assert first.json == replay.json == {"id": mine.id, "stage": "won", "version": 2}
    assert replay.headers["Idempotent-Replayed"] == "true"
    with trade_app.app_context():
        assert records.get("trade_deal", mine.id, user=None).version == 2  # closed once

    document = api.get("openapi.json").json
    pipeline = document["paths"]["/api/v1/trade/pipeline"]["get"]
    assert pipeline["tags"] == ["trade"] and pipeline["summary"] == "Deals by stage"
    close = document["paths"]["/api/v1/trade/deals/{deal_id}/close"]["post"]
    assert {"name": "deal_id", "in": "path", "required": True, "schema": {"type": "integer"}} in close["parameters"]
    assert close["requestBody"]["content"]["application/json"]["schema"]["required"] == ["outcome"]
    assert "422" in close["responses"] and "401" in close["responses"]

    with trade_app.app_context():
        switch.disable(trade_app, "trade")
    gone = api.get("trade/pipeline")
    assert gone.status_code == 404 and gone.json["type"] == "urn:trato:problem:unknown-plugin"
    assert "/api/v1/trade/pipeline" not in api.get("openapi.json").json["paths"]


def test_a_plugin_permission_is_on_the_role_page_and_checked_by_access_require(trade_app, make_user, client_as):
    user = make_user(role="sales_rep", app=trade_app)
    with trade_app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "sales_rep"))
    page = client_as("admin", app=trade_app).get(f"/admin/roles/{role_id}/permissions").text
    assert "Close deals" in page and "Mark a deal won or lost in one call." in page
    with trade_app.test_request_context():
        with pytest.raises(PermissionRefused, match="trade_close_deal"):
            access.require(user, "trade_close_deal")
        access.require(None, "trade_close_deal")  # the system holds every permission
    grant(trade_app, "sales_rep", "trade_close_deal")
    with trade_app.app_context():
        trade_app.extensions["trato"].refresh()
        with trade_app.test_request_context():
            access.require(user, "trade_close_deal")


@pytest.mark.parametrize("path", ["/pipeline", "deals/<float:x>", "../admin", ""])
def test_an_endpoint_path_must_be_relative_words_and_variables(path):
    with pytest.raises(ValueError, match="must be relative"):
        ApiEndpoint(path, lambda call: {})


def test_the_role_page_shows_a_plugin_permission_in_the_readers_language(make_app, samples, make_user, client_as):
    app = make_app(plugins=["greet"], extra_plugins=samples)
    with app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "sales_rep"))
    spanish_admin = make_user(admin=True, locale="es", app=app)
    page = client_as(spanish_admin, app=app).get(f"/admin/roles/{role_id}/permissions").text
    assert "Moderar saludos" in page and "Moderate greetings" not in page


def test_a_plugin_endpoint_counts_against_the_token_rate_limit(make_app, make_user):
    from trato.testing import ApiClient, api_token
    from trato_trade import plugin as trade_plugin

    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin}, api_requests_per_minute=2)
    user = make_user(app=app)
    api = ApiClient(app.test_client(), api_token(app, user), user)
    assert [api.get("trade/pipeline").status_code for _ in range(2)] == [200, 200]
    limited = api.get("trade/pipeline")
    assert limited.status_code == 429 and limited.json["type"] == "urn:trato:problem:rate-limited"
    assert int(limited.headers["Retry-After"]) > 0
