"""A request body that is not UTF-8 is refused with a 400 naming the field, never stored with U+FFFD."""
from __future__ import annotations

import pytest

from .test_api_errors import problem

JSON = {"Content-Type": "application/json"}


def send(api, method: str, path: str, body: bytes, **headers: str):
    return api.call(method, path, data=body, headers=JSON | headers)


def test_a_latin1_byte_in_a_value_is_400_naming_the_field_and_nothing_is_stored(api):
    body = problem(send(api, "POST", "trade_account", b'{"name": "Jos\xe9 P\xe9rez", "city": "Madrid"}'), 400)
    assert list(body["errors"]) == ["name"]
    assert "0xE9" in body["errors"]["name"][0] and "UTF-8" in body["errors"]["name"][0]
    assert "byte 13" in body["detail"]  # where the first bad byte sits in the body
    assert api.get("trade_account").json["meta"]["count"] == 0


def test_a_patch_with_a_bad_byte_changes_nothing(api, ana, make_record):
    account = make_record("trade_account", owner=ana, name="Acme")
    body = problem(send(api, "PATCH", f"trade_account/{account.id}", b'{"city": "C\xe1diz"}', **{"If-Match": '"1"'}),
                   400)
    assert list(body["errors"]) == ["city"] and "0xE1" in body["errors"]["city"][0]
    shown = api.get(f"trade_account/{account.id}")
    assert shown.headers["ETag"] == '"1"' and shown.json["city"] is None


def test_bulk_rows_name_the_row_and_field(api):
    body = problem(send(api, "POST", "trade_account/bulk",
                        b'{"records": [{"name": "Acme"}, {"name": "Bolt", "city": "M\xe1laga"}]}'), 400)
    assert list(body["errors"]) == ["records.1.city"]
    assert api.get("trade_account").json["meta"]["count"] == 0


def test_the_meta_api_names_the_label_language(api_as, make_user, trade_app):
    admin = api_as(make_user(admin=True, app=trade_app))
    sent = (b'{"name": "vehicle", "label": {"en": "Vehicle", "es": "Veh\xedculo"}, '
            b'"plural": {"en": "Vehicles", "es": "Veh\xedculos"}, "fields": []}')
    body = problem(send(admin, "POST", "meta/entities", sent), 400)
    assert set(body["errors"]) == {"label.es", "plural.es"}
    assert "x_vehicle" not in {e["name"] for e in admin.get("meta/entities").json["data"]}


@pytest.mark.parametrize(("sent", "where"), [
    (b'{"name": "Acme"}\xff', "byte 16"),      # after the document
    (b'{\xe9"name": "Acme"}', "byte 1"),        # between tokens
    (b'\xef\xbb{"name": "Acme"}', "byte 0"),    # a broken byte order mark
])
def test_bad_bytes_outside_any_value_say_where(api, sent, where):
    body = problem(send(api, "POST", "trade_account", sent), 400)
    assert list(body["errors"]) == ["body"]
    assert where in body["detail"] and "UTF-8" in body["detail"]


def test_a_bad_byte_in_a_field_name_is_refused(api):
    body = problem(send(api, "POST", "trade_account", b'{"name": "Acme", "ci\xf1ty": "Madrid"}'), 400)
    assert list(body["errors"]) == ["ci\ufffdty"] and "0xF1" in body["errors"]["ci\ufffdty"][0]


def test_a_lone_surrogate_escape_is_not_text(api):
    body = problem(send(api, "POST", "trade_account", b'{"name": "Jos\\udce9"}'), 400)
    assert list(body["errors"]) == ["name"] and "\\udce9" in body["errors"]["name"][0]
    assert api.get("trade_account").json["meta"]["count"] == 0


def test_utf8_text_and_escaped_pairs_are_stored_as_sent(api):
    made = send(api, "POST", "trade_account", '{"name": "José \\ud83d\\ude00", "city": "Cádiz"}'.encode())
    assert made.status_code == 201, made.get_data(as_text=True)
    assert (made.json["name"], made.json["city"]) == ("José 😀", "Cádiz")
