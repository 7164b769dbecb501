"""Global search finds a phone number however it is typed: digits alone, with a prefix, dashes or spaces."""
from __future__ import annotations

import pytest

from trato import records


@pytest.mark.parametrize("typed", ["976200101", "+34976200101", "976-200-101", "0034 976200101"[4:]])
def test_a_phone_number_is_found_by_its_digits(trade_app, client_as, make_record, typed):
    make_record("trade_account", name="Grupo Ruiz", phone="+34 976 200 101")
    make_record("trade_account", name="Talleres Sol", phone="+34 976 512 301")
    page = client_as("admin").get("/search/", query_string={"q": typed}).get_data(as_text=True)
    assert "Grupo Ruiz" in page and "Talleres Sol" not in page


def test_words_and_a_number_must_all_match(trade_app, make_record):
    make_record("trade_account", name="Grupo Ruiz", city="Zaragoza", phone="+34 976 200 101")
    make_record("trade_account", name="Ruiz Bilbao", city="Bilbao", phone="+34 944 200 101")
    with trade_app.app_context():
        found = records.query("trade_account", user=None).search("Ruiz 976200101").page().items
        assert [r["name"] for r in found] == ["Grupo Ruiz"]
        assert records.query("trade_account", user=None).search("20010").page().items == []  # too short for a number
