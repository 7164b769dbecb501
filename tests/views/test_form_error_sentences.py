"""Every refusal a record form shows is a sentence at its field, never the record service's nested dict."""
from __future__ import annotations

import re

from trato.fields import error_sentences


def _error(page: str, name: str) -> str:
    return re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', page, re.S).group(1)


def test_nested_messages_become_sentences_once_each():
    nested = {"amount": ["Enter a number."], "currency": ["Enter a code."], "0": {"x": ["Enter a number."]}}
    assert error_sentences(nested) == ["Enter a number.", "Enter a code."]
    assert error_sentences("Too long.") == ["Too long."]


def test_a_bad_amount_and_currency_are_sentences_at_the_money_field(trade_app, client_as):
    answer = client_as("admin").post("/r/trade_deal/new", data={
        "name": "Flota", "stage": "new", "amount": "1.2.3", "amount_currency": "ZZZ"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    error = _error(page, "amount")
    assert "Enter a number" in error and "three-letter currency code" in error
    assert "{" not in error and "amount" not in error.lower().replace("amount-error", "")
    assert "&#39;amount&#39;" not in page and "{'amount'" not in page


def test_the_custom_entity_form_says_what_is_wrong_with_its_money(vehicle_app, client_as):
    answer = client_as("admin").post("/r/x_vehicle/new", data={"plate": "1234 BCD", "price": "caro"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Enter a number" in _error(page, "price") and "&#39;amount&#39;" not in page
