"""Every refusal of the API is application/problem+json naming the field, header or parameter at fault."""
from __future__ import annotations

import pytest

from trato import tokens

from .conftest import Api


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


@pytest.mark.parametrize("authorization", [None, "Bearer trato_abcd1234_not-the-secret", "Basic YWxhZGRpbjpvcGVu"])
def test_no_or_a_bad_token_is_401_with_a_bearer_challenge(trade_app, authorization):
    client = trade_app.test_client()
    response = client.get("/api/v1/trade_account", headers={"Authorization": authorization} if authorization else {})
    body = problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert list(body["errors"]) == ["Authorization"]


def test_a_session_cookie_opens_nothing(trade_app, client_as):
    client = client_as("admin", app=trade_app)
    problem(client.get("/api/v1/trade_account"), 401)


def test_a_read_only_token_reads_but_may_not_write(api_as, ana, make_record):
    reader = api_as(ana, tokens.READ)
    account = make_record("trade_account", owner=ana, name="Acme")
    assert reader.get(f"trade_account/{account.id}").json["name"] == "Acme"
    body = problem(reader.post("trade_account", json={"name": "Bolt"}), 403)
    assert list(body["errors"]) == ["Authorization"]
    problem(reader.patch(f"trade_account/{account.id}", json={"name": "X"}, headers={"If-Match": '"1"'}), 403)
    problem(reader.delete(f"trade_account/{account.id}"), 403)
    assert reader.get(f"trade_account/{account.id}").json["name"] == "Acme"


def test_a_change_the_access_rules_refuse_is_403(api_as, ana, make_user, trade_app, make_record):
    """A read-only user sees Ana's account but may not change it."""
    account = make_record("trade_account", owner=ana, name="Acme")
    viewer = api_as(make_user(role="read_only", app=trade_app))
    assert viewer.get(f"trade_account/{account.id}").json["name"] == "Acme"
    body = problem(viewer.patch(f"trade_account/{account.id}", json={"name": "Mine"}, headers={"If-Match": '"1"'}),
                   403)
    assert body["detail"] == "Your role does not allow you to edit records of Accounts."


def test_a_record_outside_the_users_scope_is_404(api_as, ana, bruno, make_record):
    """Ana and Bruno are sales reps: each sees their own records only."""
    theirs = make_record("trade_account", owner=bruno, name="Bruno's")
    api = api_as(ana)
    body = problem(api.get(f"trade_account/{theirs.id}"), 404)
    assert list(body["errors"]) == ["id"]
    problem(api.patch(f"trade_account/{theirs.id}", json={"name": "Mine"}, headers={"If-Match": '"1"'}), 404)
    problem(api.delete(f"trade_account/{theirs.id}"), 404)
    assert api.get("trade_account").json["data"] == []
    assert api_as(bruno).get(f"trade_account/{theirs.id}").json["name"] == "Bruno's"


def test_an_unknown_entity_or_url_is_404(api):
    body = problem(api.get("vehicles"), 404)
    assert list(body["errors"]) == ["entity"]
    problem(api.get("trade_account/not-a-number"), 404)
    problem(api.get(f"trade_account/{2**63}"), 404)  # beyond any id column: not found, not an overflow


@pytest.mark.parametrize(("query", "culprit"), [
    ("colour=red", "colour"),
    ("city__near=Madrid", "city"),
    ("employees__gte=many", "employees"),
    ("employees__gt=", "employees"),
    ("sort=-colour", "colour"),
    ("cursor=not-a-cursor", "cursor"),
    ("limit=500", "limit"),
    ("limit=ten", "limit"),
])
def test_a_bad_filter_sort_cursor_or_limit_is_400_naming_it(api, query, culprit):
    body = problem(api.get(f"trade_account?{query}"), 400)
    assert list(body["errors"]) == [culprit]


def test_a_cursor_from_another_sort_is_400(api, ana, make_record):
    for name in ("Acme", "Bolt"):
        make_record("trade_account", owner=ana, name=name)
    cursor = api.get("trade_account?sort=name&limit=1").json["meta"]["next_cursor"]
    body = problem(api.get(f"trade_account?sort=-name&limit=1&cursor={cursor}"), 400)
    assert "another sort" in body["errors"]["cursor"][0]


def test_malformed_json_is_400_and_another_media_type_415(api):
    body = problem(api.post("trade_account", data="{name: 'Acme'", headers={"Content-Type": "application/json"}),
                   400)
    assert list(body["errors"]) == ["body"]
    body = problem(api.post("trade_account", data="name=Acme", content_type="application/x-www-form-urlencoded"),
                   415)
    assert list(body["errors"]) == ["Content-Type"]


def test_invalid_values_are_422_per_field_and_nothing_is_written(api):
    body = problem(api.post("trade_deal", json={"name": " ", "stage": "maybe", "rating": 2.5, "colour": "red",
                                                "amount": {"amount": "12", "currency": "ZZZ"}}), 422)
    assert body["errors"] == {
        "name": ["This field is required."],
        "stage": ["Choose one of the offered options."],
        "rating": ["Enter a whole number."],
        "colour": ["Unknown field."],
        "amount.currency": ["Enter a three-letter currency code such as EUR or USD."],
    }
    assert api.get("trade_deal").json["meta"]["count"] == 0


def test_a_refused_patch_names_the_field_and_keeps_the_version(api, ana, make_record):
    account = make_record("trade_account", owner=ana, name="Acme")
    body = problem(api.patch(f"trade_account/{account.id}", json={"employees": "many", "version": 9},
                             headers={"If-Match": '"1"'}), 422)
    assert set(body["errors"]) == {"employees", "version"}
    assert api.get(f"trade_account/{account.id}").headers["ETag"] == '"1"'


def test_a_plugin_refusal_is_422(api):
    body = problem(api.post("trade_deal", json={"name": "A forbidden deal"}), 422)
    assert body["detail"] == "Deal names may not say forbidden."


def test_a_plugin_refusal_tied_to_a_field_names_it(api, client_as):
    body = problem(api.post("trade_deal", json={"name": "Priceless"}), 422)
    assert body["errors"] == {"amount": ["A priceless deal still needs an amount."]}
    form = client_as("admin").post("/r/trade_deal/new", data={"name": "Priceless", "stage": "new"})
    assert form.status_code == 422
    assert 'id="amount-error"' in form.text and "A priceless deal still needs an amount." in form.text
    assert api.get("trade_deal").json["meta"]["count"] == 0


def test_other_methods_are_405_as_problems(api: Api):
    response = api.call("PUT", "trade_account")
    problem(response, 405)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,  # deeper than the parser's stack
    '{"name": ' + "[" * 900 + "]" * 900 + "}",  # parsed, but deeper than any record
    '{"records": [' + '{"a": ' * 40 + "1" + "}" * 40 + "]}",
])
def test_a_deeply_nested_body_is_400_naming_the_body(api, api_as, make_user, trade_app, body):
    admin = api_as(make_user(admin=True, app=trade_app))
    for client, path in ((api, "trade_account"), (api, "trade_account/bulk"), (admin, "meta/entities")):
        refused = problem(client.post(path, data=body, headers={"Content-Type": "application/json"}), 400)
        assert refused["errors"] == {"body": ["Send a JSON document nested at most 32 levels deep."]}
    assert api.get("trade_account").json["meta"]["count"] == 0


@pytest.mark.parametrize("body", ["null", "3", "true", '"Acme"', "[]", '["name"]', '[{"name": "Acme"}]'])
def test_a_body_that_is_not_an_object_is_refused_for_a_user_with_field_rules(trade_app, api, ana, make_record, body,
                                                                               city_hidden):
    account = make_record("trade_account", owner=ana, name="Acme")
    json_body = {"Content-Type": "application/json"}
    created = problem(api.post("trade_account", data=body, headers=json_body), 422)
    changed = problem(api.patch(f"trade_account/{account.id}", data=body, headers=json_body | {"If-Match": '"1"'}),
                      422)
    for refused in (created, changed):
        assert refused["errors"] == {"_schema": ["Send an object of field values."]}
    assert api.get("trade_account").json["meta"]["count"] == 1
    assert api.get(f"trade_account/{account.id}").headers["ETag"] == '"1"'
