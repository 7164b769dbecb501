"""`trato.for_entities`: a record hook about some entities is not called for the others, bulk writes included."""
from __future__ import annotations

import sys
import textwrap

import pytest

from trato import records

WATCH = '''
from trato import Plugin, for_entities, hookimpl

CALLS = []
plugin = Plugin(name="watch", label="Watch", hooks="trato_watch")


@hookimpl
@for_entities("trade_deal")
def after_save(entity, record):
    CALLS.append(("after_save", entity, record.id))


@hookimpl
@for_entities("trade_deal")
def before_delete(entity, record):
    CALLS.append(("before_delete", entity, record.id))
    return "Deals are kept." if record["name"] == "Keep me" else None


@hookimpl
@for_entities("trade_deal")
def after_delete(entity, record):
    CALLS.append(("after_delete", entity, record.id))
'''


@pytest.fixture
def watch(tmp_path, monkeypatch):
    """A plugin whose record hooks declare that they are about deals, written as a package of its own."""
    (tmp_path / "trato_watch.py").write_text(textwrap.dedent(WATCH))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("trato_watch", None)
    import trato_watch

    yield trato_watch
    sys.modules.pop("trato_watch", None)


def test_a_hook_about_deals_is_not_called_for_accounts(make_app, make_user, samples, watch):
    from trato_trade import plugin as trade

    app = make_app(plugins=["trade", "watch"], extra_plugins={"trade": trade, "watch": watch.plugin})
    boss = make_user(admin=True, app=app)
    with app.app_context():
        hooks = app.extensions["trato"].plugins.hook
        accounts = records.bulk_create("trade_account", [{"name": f"Account {n}"} for n in range(50)], user=boss)
        records.delete("trade_account", accounts[0].id, user=boss)
        assert watch.CALLS == []
        assert watch.plugin.name not in {i.plugin_name for i in hooks.for_entity("after_save", "trade_account")
                                         .get_hookimpls()}

        deal = records.create("trade_deal", {"name": "Renewal", "account_id": accounts[1].id}, user=boss)
        kept = records.create("trade_deal", {"name": "Keep me", "account_id": accounts[1].id}, user=boss)
        records.delete("trade_deal", deal.id, user=boss)
        with pytest.raises(records.SaveRefused, match="Deals are kept."):
            records.delete("trade_deal", kept.id, user=boss)
    assert watch.CALLS == [("after_save", "trade_deal", deal.id), ("after_save", "trade_deal", kept.id),
                           ("before_delete", "trade_deal", deal.id), ("after_delete", "trade_deal", deal.id),
                           ("before_delete", "trade_deal", kept.id)]
