"""Quote revisions: "New revision" (page and API) copies the quote and its lines into revision n+1 with the
same number and a link to the first version; the old one stays as it was and can no longer be accepted."""
from __future__ import annotations

from decimal import Decimal

import pytest

from trato import Money, records

QUOTE = "invoicing_quote"
LINE = "invoicing_quote_line"


def make_quote(owner) -> int:
    account = records.create("contacts_account", {"name": "Bodegas Arrieta"}, user=owner)
    tax = records.query("catalog_tax", user=None).where({"code": "IVA21"}).page(limit=1).items[0].id
    return records.create(QUOTE, {"account_id": account.id, "terms": "30 days", "lines": [
        {"description": "Barrels", "quantity": "4", "unit_price": Money(Decimal("250.00"), "EUR"), "tax_id": tax},
        {"description": "Delivery", "quantity": "1", "unit_price": Money(Decimal("60.00"), "EUR"),
         "discount": "10", "tax_id": tax}]}, user=owner).id


def lines_of(quote_id: int) -> list[tuple]:
    return [(line["description"], line["quantity"], line["unit_price"], line["discount"], line["net"])
            for line in records.lines(QUOTE, quote_id, user=None)[LINE]]


def test_a_new_revision_from_the_page_copies_the_quote_and_keeps_the_old_one(invoicing_app, client_as, make_user):
    owner = make_user(admin=True)
    client = client_as(owner)
    with invoicing_app.app_context():
        first_id = make_quote(owner)
        first = records.get(QUOTE, first_id, user=None)
        records.update(QUOTE, first_id, {"status": "sent"}, user=owner, version=first.version)
        before = records.get(QUOTE, first_id, user=None)
    page = client.get(f"/r/{QUOTE}/{first_id}")
    assert "New revision" in page.text and "Send by email" in page.text and "Share link" in page.text
    made = client.post(f"/invoicing/quotes/{first_id}/revision")
    assert made.status_code == 302
    second_id = int(made.headers["Location"].rstrip("/").split("/")[-1])
    with invoicing_app.app_context():
        second = records.get(QUOTE, second_id, user=None)
        assert (second["revision"], second["revision_of_id"], second["number"], second["status"]) == \
            (2, first_id, before["number"], "draft")
        assert second["number"] and second["terms"] == "30 days" and second["total"] == before["total"]
        assert lines_of(second_id) == lines_of(first_id)
        after = records.get(QUOTE, first_id, user=None)
        assert (after["status"], after.version) == ("sent", before.version)
        with pytest.raises(records.ValidationFailed) as refused:
            records.update(QUOTE, first_id, {"status": "accepted"}, user=owner, version=after.version)
        assert "newer revision" in refused.value.errors["status"][0]


def test_the_api_action_makes_the_next_revision_from_any_version(invoicing_app, api_client_as, make_user):
    owner = make_user(admin=True)
    api = api_client_as(owner)
    with invoicing_app.app_context():
        first_id = make_quote(owner)
    second = api.post(f"{QUOTE}/{first_id}/revision", json={})
    assert second.status_code == 201, second.text
    third = api.post(f"{QUOTE}/{first_id}/revision", json={})  # from the first again: still the next number
    assert (second.json["revision"], third.json["revision"]) == (2, 3)
    assert second.json["revision_of_id"] == third.json["revision_of_id"] == first_id
    assert api.post(f"{QUOTE}/999/revision", json={}).status_code == 404
