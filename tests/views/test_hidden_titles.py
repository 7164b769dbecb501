"""A record whose title field is hidden from its reader is named `#id` wherever its title would show."""
from __future__ import annotations

import re

from sqlalchemy import select

from trato import records
from trato.roles import Role
from trato.roles import admin as roles_admin


def _hide(app, role: str, entity: str, field: str) -> None:
    with app.app_context(), app.extensions["trato"].sessionmaker() as session:
        found = session.scalar(select(Role).where(Role.name == role))
        roles_admin.set_field_rules(session, found, entity, {field: "hidden"})
        session.commit()


def test_a_hidden_title_field_names_the_record_by_its_id_only(trade_app, make_user, client_as):
    rep, boss = make_user(app=trade_app), make_user(admin=True, app=trade_app)  # rep: the default role
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "Zephyr Secret Ltd", "city": "Bilbao"}, user=rep)
        deal = records.create("trade_deal", {"name": "Renewal", "account_id": account.id}, user=rep)
    _hide(trade_app, "sales_rep", "trade_account", "name")
    seen = client_as(rep)

    page = seen.get(f"/r/trade_account/{account.id}").text
    assert "Zephyr" not in page
    assert re.search(rf"<title>#{account.id}\b", page) and f">#{account.id}</h1>" in page

    deal_page = seen.get(f"/r/trade_deal/{deal.id}").text  # the relation cell names the account as the rep sees it
    assert "Renewal" in deal_page and "Zephyr" not in deal_page

    found = seen.get("/search/?q=Bilbao").text  # found by a field the rep sees, shown without the hidden one
    assert f"/r/trade_account/{account.id}" in found and "Zephyr" not in found
    assert f"/r/trade_account/{account.id}" not in seen.get("/search/?q=Zephyr").text  # nor by the hidden field

    admin_page = client_as(boss).get(f"/r/trade_account/{account.id}").text
    assert ">Zephyr Secret Ltd</h1>" in admin_page

    gone = seen.post(f"/r/trade_account/{account.id}/delete", follow_redirects=True,
                     data={"version": str(records_version(trade_app, account.id))}).text
    assert f"#{account.id} was moved to the recycle bin." in gone and "Zephyr" not in gone


def records_version(app, account_id: int) -> int:
    with app.app_context():
        return records.get("trade_account", account_id, user=None).version
