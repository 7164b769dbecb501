"""One test per entity-engine hook (see tests/test_hook_contract.py), through the `trade` sample plugin."""
from __future__ import annotations

from decimal import Decimal

import pytest

from trato import Change, Money, records
from trato.entities import UnknownEntity
from trato.fields import BUILTIN
from trato.hooks import switch
from trato.records import SaveRefused, ValidationFailed


def test_hook_field_types(ctx, ana):
    registry = ctx.extensions["trato"].entities
    rating = registry.types.get("trade_rating")
    deal = registry.get("trade_deal")
    assert deal.field("rating").type is rating
    assert (rating.widget, rating.cell) == ("trade_stars", "trade_stars")
    names = {t.name for t in registry.types}
    loaded = set(ctx.extensions["trato"].plugins.loaded)  # first-party plugins may be installed too
    assert {*BUILTIN, "trade_rating"} <= names
    assert all(name.split("_")[0] in loaded for name in names - set(BUILTIN))
    assert rating.parse(deal.field("rating"), " 4 ") == 4
    with pytest.raises(ValidationFailed) as refused:
        records.create("trade_deal", {"name": "Six stars", "rating": 6}, user=ana)
    assert refused.value.errors == {"rating": ["From 1 to 5 stars."]}
    assert records.create("trade_deal", {"name": "Four stars", "rating": 4}, user=ana)["rating"] == 4


def test_hook_entities(ctx, trade_app):
    registry = ctx.extensions["trato"].entities
    account = registry.get("trade_account")
    assert (account.text, account.plural_text, account.title_field) == ("Account", "Accounts", "name")
    assert account.search_fields == ("name", "city")
    city = account.field("city")
    assert (city.text, city.type.name, city.filterable, city.required) == ("City", "text", True, False)
    assert account.field("name").required and account.field("name").settings["length"] == 200
    assert account.field("revenue").column_names == ("revenue", "revenue_currency")
    assert "revenue_currency" not in account.fields  # the currency is part of the money field
    assert [f for f in account.fields if account.fields[f].system] == [
        "id", "owner_id", "team_id", "created_by", "created_at", "updated_by", "updated_at", "version", "deleted_at"]
    assert registry.get("trade_deal").field("account_id").settings == {"target": "trade_account"}

    switch.disable(trade_app, "trade")
    assert "trade_account" not in registry and registry.all() == []
    with pytest.raises(UnknownEntity):
        records.query("trade_account", user=None)


def test_hook_before_save(ctx, ana):
    with pytest.raises(SaveRefused, match="Deal names may not say forbidden."):
        records.create("trade_deal", {"name": "The forbidden deal"}, user=ana)
    assert records.query("trade_deal", user=ana).count().value == 0
    won = records.create("trade_deal", {"name": "Renewal", "stage": "won"}, user=ana)
    assert won["probability"] == Decimal("100.00")  # filled in by the hook
    with pytest.raises(SaveRefused):
        records.update("trade_deal", won.id, {"name": "Forbidden renewal"}, user=ana, version=won.version)
    assert records.get("trade_deal", won.id, user=ana)["name"] == "Renewal"


def test_hook_before_save_can_tie_its_refusal_to_a_field(ctx, ana):
    """A mapping of field to message refuses as validation does: by field, and by row or id in bulk calls."""
    with pytest.raises(ValidationFailed) as refused:
        records.create("trade_deal", {"name": "Priceless"}, user=ana)
    assert refused.value.errors == {"amount": ["A priceless deal still needs an amount."]}
    with pytest.raises(ValidationFailed) as refused:
        records.bulk_create("trade_deal", [{"name": "Fine"}, {"name": "Priceless too"}], user=ana)
    assert refused.value.errors == {1: {"amount": ["A priceless deal still needs an amount."]}}
    deal = records.create("trade_deal", {"name": "Cheap"}, user=ana)
    with pytest.raises(ValidationFailed) as refused:
        records.bulk_update("trade_deal", [Change(deal.id, {"name": "Priceless now"}, deal.version)], user=ana)
    assert refused.value.errors == {deal.id: {"amount": ["A priceless deal still needs an amount."]}}
    assert [d["name"] for d in records.query("trade_deal", user=ana).page().items] == ["Cheap"]


def test_hook_after_save(ctx, ana, events):
    acme = records.create("trade_account", {"name": "Acme"}, user=ana)
    deal = records.create("trade_deal", {"name": "Acme renewal", "account_id": acme.id,
                                         "amount": Money(Decimal("1200"), "EUR")}, user=ana)
    assert events == [("saved", "trade_account", acme.id, None), ("saved", "trade_deal", deal.id, None)]
    won = records.update("trade_deal", deal.id, {"stage": "won"}, user=ana, version=deal.version)
    assert events[2] == ("saved", "trade_deal", deal.id, 1)
    assert records.get("trade_account", acme.id, user=ana)["vip"] is True  # written by the hook, same commit
    assert won.version == 2
    with pytest.raises(RuntimeError, match="after_save failed"):
        records.create("trade_deal", {"name": "boom"}, user=ana)
    assert [d["name"] for d in records.query("trade_deal", user=ana).page().items] == ["Acme renewal"]


def test_hook_after_delete(ctx, ana, events):
    deal = records.create("trade_deal", {"name": "Short-lived"}, user=ana)
    gone = records.delete("trade_deal", deal.id, user=ana, version=deal.version)
    assert events[-1] == ("deleted", "trade_deal", deal.id, 2)
    assert gone["deleted_at"] is not None
    assert records.query("trade_deal", user=ana).count().value == 0
    assert [d.id for d in records.query("trade_deal", user=ana, deleted=True).page().items] == [deal.id]
    records.restore("trade_deal", deal.id, user=ana)
    assert events[-1] == ("deleted", "trade_deal", deal.id, 2)  # restoring calls no hook


def test_hook_records_purged(ctx, ana, events):
    from trato.records.purge import purge_record

    deal = records.create("trade_deal", {"name": "Gone for good"}, user=ana)
    records.delete("trade_deal", deal.id, user=ana, version=deal.version)
    purge_record("trade_deal", deal.id, user=None)
    assert events[-1] == ("purged", "trade_deal", (deal.id,))
