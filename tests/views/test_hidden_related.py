"""A record's related lists say how many records point at it that the reader may not see, without showing them."""
from __future__ import annotations

import re

from trato import records


def test_an_account_says_how_many_deals_the_rep_cannot_see(trade_app, make_user, client_as):
    ana, bruno = make_user(name="Ana", app=trade_app), make_user(name="Bruno", app=trade_app)  # sales reps
    boss = make_user(admin=True, app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "Nortech"}, user=bruno)
        records.bulk_create("trade_deal", [{"name": f"Secret {n}", "account_id": account.id, "owner_id": ana.id}
                                           for n in range(3)], user=boss)
        records.create("trade_deal", {"name": "Bruno's renewal", "account_id": account.id}, user=bruno)
        gone = records.create("trade_deal", {"name": "Deleted one", "account_id": account.id, "owner_id": ana.id},
                              user=boss)
        records.delete("trade_deal", gone.id, user=boss)

    page = client_as(bruno).get(f"/r/trade_account/{account.id}").text
    assert "Bruno&#39;s renewal" in page and "Secret" not in page
    assert "3 more deals you cannot see" in page  # the deleted deal is not counted

    spanish = client_as(bruno).get(f"/r/trade_account/{account.id}", headers={"Accept-Language": "es"}).text
    assert "3 oportunidades más que usted no puede ver" in spanish

    everything = client_as(boss).get(f"/r/trade_account/{account.id}").text
    assert "Secret 0" in everything and "cannot see" not in everything


def test_one_hidden_record_is_said_in_the_singular_and_none_yet_gives_way(trade_app, make_user, client_as):
    ana, bruno, boss = make_user(app=trade_app), make_user(app=trade_app), make_user(admin=True, app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "Nortech"}, user=bruno)
        records.create("trade_deal", {"name": "Secret", "account_id": account.id, "owner_id": ana.id}, user=boss)
    page = client_as(bruno).get(f"/r/trade_account/{account.id}").text
    deals = next(section for section in re.findall(r'<section class="card related".*?</section>', page, re.S)
                 if re.search(r"<h2[^>]*>Deals\b", section))
    assert "1 more deal you cannot see" in deals and "None yet." not in deals
