"""A form that changes a record without the version it was shown with is refused, never "last write wins"."""
from __future__ import annotations

from html import unescape

import pytest

from trato import records

REFUSED = ("This form was sent without the version of the record it was filled in for, so saving it could undo "
           "a change made since; nothing was saved. Check the values and save again.")


@pytest.fixture
def deal(trade_app, make_record):
    """A deal someone else renamed after the form was read: version 2."""
    made = make_record("trade_deal", name="Renting", stage="new")
    with trade_app.app_context():
        return records.update("trade_deal", made.id, {"name": "Renting flota"}, user=None, version=made.version)


def _stored(app, record_id):
    with app.app_context():
        return records.get("trade_deal", record_id, user=None)


@pytest.mark.parametrize("version", [None, "", "None", "dos", "0", "-1"])
def test_an_edit_form_without_its_version_is_refused_and_keeps_the_input(trade_app, client_as, deal, version):
    client = client_as("admin")
    sent = {"name": "Renting corto", "stage": "won"} | ({} if version is None else {"version": version})
    answer = client.post(f"/r/trade_deal/{deal.id}/edit", data=sent)
    page = unescape(answer.get_data(as_text=True))
    assert answer.status_code == 409
    assert REFUSED in page and "Renting corto" in page  # the input is kept, to save again
    assert f'name="version" value="{deal.version}"' in page  # now with the version it shows
    assert _stored(trade_app, deal.id)["name"] == "Renting flota" and _stored(trade_app, deal.id).version == 2

    again = client.post(f"/r/trade_deal/{deal.id}/edit", data=sent | {"version": str(deal.version)})
    assert again.status_code == 302 and _stored(trade_app, deal.id)["name"] == "Renting corto"


def test_an_edit_with_errors_and_no_version_is_still_refused_for_the_version(trade_app, client_as, deal):
    answer = client_as("admin").post(f"/r/trade_deal/{deal.id}/edit", data={"name": "", "stage": "won"})
    assert answer.status_code == 409 and REFUSED in unescape(answer.get_data(as_text=True))
    assert _stored(trade_app, deal.id)["stage"] == "new"


def test_an_in_place_edit_without_its_version_is_refused(trade_app, client_as, deal):
    answer = client_as("admin").post(f"/r/trade_deal/{deal.id}/cell/name", data={"name": "Renting corto"})
    page = unescape(answer.get_data(as_text=True))
    assert answer.status_code == 409 and REFUSED in page
    assert f'name="version" value="{deal.version}"' in page
    assert _stored(trade_app, deal.id)["name"] == "Renting flota"


def test_a_card_dropped_without_its_version_is_refused(trade_app, client_as, deal):
    answer = client_as("admin").post("/r/trade_deal/kanban/move", data={"id": deal.id, "by": "stage", "value": "won"})
    assert answer.status_code == 409 and answer.json["message"] == REFUSED
    assert _stored(trade_app, deal.id)["stage"] == "new"


def test_a_delete_without_its_version_is_refused(trade_app, client_as, deal):
    answer = client_as("admin").post(f"/r/trade_deal/{deal.id}/delete", data={}, follow_redirects=True)
    assert ("This form was sent without the version of the record it was filled in for, so deleting it could lose a "
            "change made since; nothing was deleted. Look at the record and delete it again."
            ) in unescape(answer.get_data(as_text=True))
    assert _stored(trade_app, deal.id)["deleted_at"] is None  # still there, not in the recycle bin


def test_the_api_refuses_a_change_without_if_match(trade_app, make_user, api_token, deal):
    client = trade_app.test_client()
    answer = client.patch(f"/api/v1/trade_deal/{deal.id}", json={"name": "Renting corto"},
                          headers={"Authorization": api_token})
    assert answer.status_code == 428 and answer.content_type == "application/problem+json"
    assert list(answer.json["errors"]) == ["If-Match"]
    bulk = client.patch("/api/v1/trade_deal/bulk", json={"records": [{"id": deal.id, "values": {"name": "X"}}]},
                        headers={"Authorization": api_token})
    assert bulk.status_code == 422 and list(bulk.json["errors"]) == ["records.0.version"]
    assert _stored(trade_app, deal.id)["name"] == "Renting flota"


@pytest.fixture
def api_token(trade_app, make_user):
    from trato import tokens
    from trato.models import User

    admin = make_user(admin=True, app=trade_app)
    with trade_app.extensions["trato"].sessionmaker() as session:
        text = tokens.create(session, session.get(User, admin.id), "versions", tokens.WRITE, None)[1]
        session.commit()
    return f"Bearer {text}"
