"""The core's personal data mechanisms for any entity: redacting the audit history, blocking records, and the
permissions a role holds beyond records (the `permissions` hook)."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from trato_trade import plugin as trade_plugin

from trato import access, privacy, records
from trato.access import PermissionRefused
from trato.hooks import switch
from trato.records import SaveRefused
from trato.records.audit import REDACTED, AuditEntry
from trato.roles import extra_permissions
from trato.roles.models import Role


def history(app, entity: str, record_id: int) -> list[tuple[str, dict]]:
    with app.extensions["trato"].sessionmaker() as session:
        return [(a.action, a.changes) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.id))]


def grant(app, role: str, *names: str) -> None:
    with app.app_context(), app.extensions["trato"].sessionmaker() as session:
        found = session.scalar(select(Role).where(Role.name == role))
        extra_permissions.set_role_permissions(session, found, names)
        session.commit()


def test_redact_erases_the_values_and_keeps_each_entry_its_author_and_the_fields_changed(trade_app, make_user):
    admin = make_user(admin=True)
    with trade_app.test_request_context():
        deal = records.create("trade_deal", {"name": "Fleet for Ana Pérez", "notes": "Ana's mobile 600 111 222",
                                             "tags": ["vip"], "amount": {"amount": "12.50", "currency": "EUR"}},
                              user=admin)
        records.update("trade_deal", deal.id, {"notes": None, "stage": "won"}, user=admin, version=None)
        assert privacy.redact("trade_deal", deal.id, user=admin, fields=["name", "notes", "tags", "amount"]) == 2
    (created, first), (updated, second), (erased, third) = history(trade_app, "trade_deal", deal.id)
    assert (created, updated, erased) == ("create", "update", "erase") and third == {}
    assert first["name"] == [None, REDACTED] and first["notes"] == [None, REDACTED]
    assert first["tags"] == [None, REDACTED] and first["amount"] == [None, REDACTED]
    assert first["stage"] == [None, "new"]  # a field not named keeps its history
    assert second["notes"] == [REDACTED, None] and second["stage"] == ["new", "won"]


def test_only_who_may_edit_the_record_redacts_it(trade_app, make_user):
    admin, reader = make_user(admin=True), make_user(role="read_only")
    with trade_app.test_request_context():
        account = records.create("trade_account", {"name": "Ana Pérez"}, user=admin)
        with pytest.raises(PermissionRefused):
            privacy.redact("trade_account", account.id, user=reader)
    [(action, changes)] = history(trade_app, "trade_account", account.id)
    assert action == "create" and changes["name"] == [None, "Ana Pérez"]


def test_a_blocked_record_leaves_every_query_and_refuses_every_change(trade_app, make_user):
    admin, manager = make_user(admin=True), make_user(role="sales_manager")
    with trade_app.test_request_context():
        kept = records.create("trade_account", {"name": "Kept"}, user=manager)
        hidden = records.create("trade_account", {"name": "Hidden"}, user=manager)
        deal = records.create("trade_deal", {"name": "D", "account_id": hidden.id}, user=manager)
        assert "core_blocked_record" not in str(records.query("trade_account", user=manager).statement())
        with pytest.raises(SaveRefused):
            privacy.block("trade_account", hidden.id, " ", user=manager)
        privacy.block("trade_account", hidden.id, "Kept for the courts", user=manager)

    with trade_app.test_request_context():
        query = records.query("trade_account", user=manager)
        assert [r["name"] for r in query.page().items] == ["Kept"] and query.count().value == 1
        assert records.query("trade_deal", user=manager).where({"account_id.name": "Hidden"}).page().items == []
        with pytest.raises(records.ValidationFailed):  # pointing at it: as if it did not exist
            records.create("trade_deal", {"name": "E", "account_id": hidden.id}, user=manager)
        assert [r["name"] for r in records.query("trade_account", user=admin).page().items] == ["Hidden", "Kept"]
        for change in (lambda: records.update("trade_account", hidden.id, {"city": "Vigo"}, user=admin, version=None),
                       lambda: records.delete("trade_account", hidden.id, user=admin),
                       lambda: privacy.block("trade_account", hidden.id, "again", user=admin)):
            with pytest.raises(PermissionRefused, match="blocked"):
                change()
        assert privacy.block_of("trade_account", hidden.id, user=manager) is None
        assert privacy.block_of("trade_account", hidden.id, user=admin).reason == "Kept for the courts"
        records.update("trade_deal", deal.id, {"account_id": kept.id}, user=manager, version=None)  # others move on
        with pytest.raises(PermissionRefused):
            privacy.unblock("trade_account", hidden.id, user=manager)
        privacy.unblock("trade_account", hidden.id, user=admin)
    with trade_app.test_request_context():
        assert records.query("trade_account", user=manager).count().value == 2
    assert [a for a, _c in history(trade_app, "trade_account", hidden.id)] == ["create", "block", "unblock"]


def test_another_worker_hides_a_record_blocked_elsewhere_from_its_next_request(trade_app, make_app, make_user,
                                                                                client_as):
    other = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})  # another process's, same database
    manager = make_user(role="sales_manager", app=trade_app)
    with trade_app.test_request_context():
        account = records.create("trade_account", {"name": "Ana Pérez"}, user=manager)
    client = client_as(manager, app=other)
    assert client.get(f"/r/trade_account/{account.id}").status_code == 200  # the other worker learnt: none blocked
    with trade_app.test_request_context():
        privacy.block("trade_account", account.id, "Kept for the courts", user=manager)
    assert client.get(f"/r/trade_account/{account.id}").status_code == 404
    assert "Ana Pérez" not in client.get("/r/trade_account/").text


def test_hook_permissions(make_app, samples, make_user, client_as):
    """A plugin's permission is listed on each role's page, given there, and answered by `access.granted`."""
    app = make_app(plugins=["greet"], extra_plugins=samples)
    user = make_user(role="sales_rep")
    with app.test_request_context():
        assert set(extra_permissions.declared()) == {"greet_moderate", "view_blocked"}
        assert not access.granted(user, "greet_moderate") and access.granted(None, "greet_moderate")
    with app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "sales_rep"))
    admin = client_as("admin", app=app)
    page = admin.get(f"/admin/roles/{role_id}/permissions").text
    assert "Moderate greetings" in page and "Hide other people's greetings." in page
    assert admin.post(f"/admin/roles/{role_id}/permissions", data={"perm-p_greet_moderate": "y"}).status_code == 302
    administrator = make_user(admin=True)
    with app.app_context():
        app.extensions["trato"].refresh()  # what every request does first: the roles counter moved
        with app.test_request_context():
            assert access.granted(user, "greet_moderate") and not access.granted(user, "view_blocked")
            assert access.granted(administrator, "view_blocked")
    switch.disable(app, "greet")
    assert "Moderate greetings" not in admin.get(f"/admin/roles/{role_id}/permissions").text
    with pytest.raises(extra_permissions.ExtraPermissionError):
        grant(app, "sales_rep", "greet_moderate")
