"""The testing kit's record factory writes through the record service."""
from __future__ import annotations

import pytest

from trato.records import ValidationFailed


def test_make_record_creates_through_the_record_service(trade_app, make_record, ana):
    account = make_record("trade_account", name="Acme Ibérica", city="Madrid")
    assert account.entity == "trade_account" and account["city"] == "Madrid" and account["version"] == 1
    mine = make_record("trade_account", owner=ana, name="Ana's client")
    assert mine["owner_id"] == ana.id
    deal = make_record("trade_deal", name="Renewal", account_id=account.id)
    assert deal["account_id"] == account.id and deal["stage"] == "new"


def test_make_record_reports_invalid_values_as_the_service_does(trade_app, make_record):
    with pytest.raises(ValidationFailed) as refused:
        make_record("trade_account", city="Sevilla")
    assert "name" in refused.value.errors
