"""The recycle bin: what each user sees in it, restoring (and its refusals), and purging by hand."""
from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from trato import records, tokens
from trato.records.audit import AuditEntry


@pytest.fixture
def ana(make_user, trade_app):
    return make_user(name="Ana Pérez", app=trade_app)


@pytest.fixture
def bruno(make_user, trade_app):
    return make_user(name="Bruno Díaz", app=trade_app)


def make(app, entity: str, owner, **values: Any) -> Any:
    with app.app_context():
        return records.create(entity, values, user=owner)


def delete(app, entity: str, record_id: int, user) -> None:
    with app.app_context():
        records.delete(entity, record_id, user=user)


def state_of(app, entity: str, record_id: int) -> str:
    """"live", "binned" or "gone"."""
    table = app.extensions["trato"].entities.get(entity).table
    with app.extensions["trato"].sessionmaker() as session:
        row = session.execute(select(table.c.deleted_at).where(table.c.id == record_id)).first()
    return "gone" if row is None else ("live" if row.deleted_at is None else "binned")


def history(app, entity: str, record_id: int) -> list[str]:
    with app.extensions["trato"].sessionmaker() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == entity,
                                                                    AuditEntry.record_id == record_id)
                                    .order_by(AuditEntry.id)))


def rows_of(page: str) -> list[str]:
    """The table rows of the bin, as HTML."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return body.split("</tr>")[:-1]


def cells(row: str) -> list[str]:
    """The text of each cell of a row."""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in row.split("</td>")[:-1]]


def test_a_user_sees_their_deleted_record_and_restores_it_with_its_history(trade_app, ana, client_as):
    account = make(trade_app, "trade_account", ana, name="Acme Ibérica", city="Sevilla")
    with trade_app.app_context():
        records.update("trade_account", account.id, {"city": "Cádiz"}, user=ana, version=account.version)
    delete(trade_app, "trade_account", account.id, ana)
    client = client_as(ana, app=trade_app)
    page = client.get("/recycle-bin").get_data(as_text=True)
    [row] = rows_of(page)
    entity, title, _when, by, actions = cells(row)
    assert (entity, title, by, actions) == ("Account", "Acme Ibérica", "Ana Pérez", "Restore")
    assert "Purge now" not in page  # administrators only
    assert "Deleted records stay here for 30 days" in page

    answer = client.post(f"/recycle-bin/trade_account/{account.id}/restore")
    assert answer.status_code == 303 and answer.headers["Location"] == "/recycle-bin"
    assert "Account “Acme Ibérica” is restored." in client.get("/recycle-bin").get_data(as_text=True)
    assert state_of(trade_app, "trade_account", account.id) == "live"
    assert history(trade_app, "trade_account", account.id) == ["create", "update", "delete", "restore"]
    with trade_app.app_context():
        assert records.get("trade_account", account.id, user=ana)["city"] == "Cádiz"


def test_the_bin_lists_every_entity_newest_first_and_can_show_one(trade_app, ana, client_as):
    account = make(trade_app, "trade_account", ana, name="Old account")
    deal = make(trade_app, "trade_deal", ana, name="Newer deal")
    live = make(trade_app, "trade_deal", ana, name="Still alive")
    delete(trade_app, "trade_account", account.id, ana)
    delete(trade_app, "trade_deal", deal.id, ana)
    client = client_as(ana, app=trade_app)
    rows = rows_of(client.get("/recycle-bin").get_data(as_text=True))
    assert [cells(r)[:2] for r in rows] == [["Deal", "Newer deal"], ["Account", "Old account"]]
    assert live["name"] not in " ".join(rows)
    only = rows_of(client.get("/recycle-bin?entity=trade_account").get_data(as_text=True))
    assert [cells(r)[:2] for r in only] == [["Account", "Old account"]]
    assert client.get("/recycle-bin?entity=nope").status_code == 404
    assert client.get("/recycle-bin?entity=trade_deal&cursor=forged").status_code == 400


def test_restoring_a_record_whose_account_is_in_the_bin_names_the_account_and_changes_nothing(
        trade_app, ana, client_as):
    account = make(trade_app, "trade_account", ana, name="Acme")
    deal = make(trade_app, "trade_deal", ana, name="Renewal", account_id=account.id)
    delete(trade_app, "trade_deal", deal.id, ana)
    delete(trade_app, "trade_account", account.id, ana)
    client = client_as(ana, app=trade_app)
    answer = client.post(f"/recycle-bin/trade_deal/{deal.id}/restore")
    assert answer.status_code == 409
    assert "Restore account “Acme” first: this record&#39;s field Account points to it" in answer.get_data(as_text=True)
    assert state_of(trade_app, "trade_deal", deal.id) == "binned"
    assert history(trade_app, "trade_deal", deal.id) == ["create", "delete"]

    assert client.post(f"/recycle-bin/trade_account/{account.id}/restore").status_code == 303
    assert client.post(f"/recycle-bin/trade_deal/{deal.id}/restore").status_code == 303
    assert state_of(trade_app, "trade_deal", deal.id) == "live"


def test_records_restored_together_need_not_wait_for_each_other(trade_app, ana):
    parent = make(trade_app, "trade_account", ana, name="Parent")
    child = make(trade_app, "trade_account", ana, name="Child", parent_id=parent.id)
    with trade_app.app_context():
        records.bulk_delete("trade_account", [parent.id, child.id], user=ana)
        with pytest.raises(records.RestoreBlocked) as refused:
            records.restore("trade_account", child.id, user=ana)
        assert refused.value.field == "parent_id" and refused.value.target_id == parent.id
        records.bulk_restore("trade_account", [child.id, parent.id], user=ana)
    assert state_of(trade_app, "trade_account", child.id) == "live"


def test_the_api_answers_409_naming_the_field(trade_app, ana):
    account = make(trade_app, "trade_account", ana, name="Acme")
    deal = make(trade_app, "trade_deal", ana, name="Renewal", account_id=account.id)
    delete(trade_app, "trade_deal", deal.id, ana)
    delete(trade_app, "trade_account", account.id, ana)
    with trade_app.extensions["trato"].sessionmaker() as session:
        _token, text = tokens.create(session, session.merge(ana), "test", tokens.WRITE, None)
        session.commit()
    client = trade_app.test_client()
    auth = {"Authorization": f"Bearer {text}"}
    answer = client.post(f"/api/v1/trade_deal/{deal.id}/restore", headers=auth)
    assert answer.status_code == 409 and answer.mimetype == "application/problem+json"
    problem = answer.get_json()
    assert problem["type"] == "urn:trato:problem:restore-blocked"
    assert list(problem["errors"]) == ["account_id"] and "Restore account “Acme” first" in problem["detail"]
    assert state_of(trade_app, "trade_deal", deal.id) == "binned"
    assert client.post(f"/api/v1/trade_account/{account.id}/restore", headers=auth).get_json()["name"] == "Acme"
    restored = client.post(f"/api/v1/trade_deal/{deal.id}/restore", headers=auth)
    assert restored.status_code == 200 and restored.get_json()["deleted_at"] is None
    assert client.post(f"/api/v1/trade_deal/{deal.id}/restore", headers=auth).status_code == 404  # not in the bin


def test_a_sales_rep_cannot_see_or_restore_another_reps_deleted_record(trade_app, ana, bruno, client_as):
    account = make(trade_app, "trade_account", ana, name="Ana's secret")
    delete(trade_app, "trade_account", account.id, ana)
    client = client_as(bruno, app=trade_app)
    page = client.get("/recycle-bin").get_data(as_text=True)
    assert "secret" not in page and "The recycle bin is empty." in page
    assert client.post(f"/recycle-bin/trade_account/{account.id}/restore").status_code == 404
    assert state_of(trade_app, "trade_account", account.id) == "binned"
    assert "Ana&#39;s secret" in client_as("admin", app=trade_app).get("/recycle-bin").get_data(as_text=True)


def test_a_read_only_user_sees_the_record_without_restore_and_is_refused_403(trade_app, ana, make_user, client_as):
    account = make(trade_app, "trade_account", ana, name="Ana's account")
    delete(trade_app, "trade_account", account.id, ana)
    client = client_as(make_user(role="read_only", app=trade_app), app=trade_app)
    [row] = rows_of(client.get("/recycle-bin").get_data(as_text=True))
    assert "Ana&#39;s account" in row and "Restore" not in row
    assert client.post(f"/recycle-bin/trade_account/{account.id}/restore").status_code == 403
    assert state_of(trade_app, "trade_account", account.id) == "binned"


def test_an_admin_purges_a_record_after_confirming(trade_app, ana, client_as):
    account = make(trade_app, "trade_account", ana, name="To purge")
    delete(trade_app, "trade_account", account.id, ana)
    admin = client_as("admin", app=trade_app)
    assert "Purge now" in admin.get("/recycle-bin").get_data(as_text=True)
    confirm = admin.get(f"/recycle-bin/trade_account/{account.id}/purge").get_data(as_text=True)
    assert "Purge account “To purge”?" in confirm.replace("Account", "account")
    unconfirmed = admin.post(f"/recycle-bin/trade_account/{account.id}/purge", follow_redirects=True)
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    assert state_of(trade_app, "trade_account", account.id) == "binned"

    done = admin.post(f"/recycle-bin/trade_account/{account.id}/purge", data={"confirm": "yes"})
    assert done.status_code == 303
    assert state_of(trade_app, "trade_account", account.id) == "gone"
    assert history(trade_app, "trade_account", account.id) == ["create", "delete", "purge"]
    assert admin.post(f"/recycle-bin/trade_account/{account.id}/purge", data={"confirm": "yes"}).status_code == 404


def test_only_administrators_purge_and_only_what_is_in_the_bin(trade_app, ana, client_as):
    binned = make(trade_app, "trade_account", ana, name="Binned")
    live = make(trade_app, "trade_account", ana, name="Live")
    delete(trade_app, "trade_account", binned.id, ana)
    client = client_as(ana, app=trade_app)
    assert client.get(f"/recycle-bin/trade_account/{binned.id}/purge").status_code == 403
    assert client.post(f"/recycle-bin/trade_account/{binned.id}/purge", data={"confirm": "yes"}).status_code == 403
    admin = client_as("admin", app=trade_app)
    assert admin.post(f"/recycle-bin/trade_account/{live.id}/purge", data={"confirm": "yes"}).status_code == 404
    assert state_of(trade_app, "trade_account", binned.id) == "binned"
    assert state_of(trade_app, "trade_account", live.id) == "live"


def test_restore_without_a_csrf_token_is_refused(make_app, make_user, client_as):
    from trato_trade import plugin

    app = make_app(plugins=["trade"], extra_plugins={"trade": plugin}, csrf=True)
    ana = make_user(app=app)
    account = make(app, "trade_account", ana, name="Guarded")
    delete(app, "trade_account", account.id, ana)
    assert client_as(ana, app=app).post(f"/recycle-bin/trade_account/{account.id}/restore").status_code == 400
    assert state_of(app, "trade_account", account.id) == "binned"


def test_signed_out_visitors_are_sent_to_sign_in(trade_app):
    answer = trade_app.test_client().get("/recycle-bin")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_bin_speaks_spanish(trade_app, make_user, client_as):
    ana = make_user(app=trade_app, locale="es")
    account = make(trade_app, "trade_account", ana, name="Cuenta borrada")
    delete(trade_app, "trade_account", account.id, ana)
    page = client_as(ana, app=trade_app).get("/recycle-bin").get_data(as_text=True)
    assert "Papelera" in page and "Restaurar" in page and "Cuenta borrada" in page
