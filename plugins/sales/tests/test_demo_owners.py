"""The demo is owned by demo sales reps across two teams, so that a rep signing in sees their own records."""
from __future__ import annotations

from sqlalchemy import select

from trato import records, session
from trato.demo import load_demo
from trato.models import User


def test_each_demo_rep_sees_their_own_accounts_deals_and_leads_and_their_manager_the_team_s(sales_app, make_user):
    make_user(admin=True, app=sales_app)
    with sales_app.app_context():
        done = load_demo(sales_app, "es")
        session().rollback()  # the demo committed in a session of its own
        assert done.plugins == ["contacts", "sales"] and len(done.password) >= 12
        people = {u.email.split("@")[0]: u for u in session().scalars(select(User).where(User.email.in_(done.people)))}
        assert set(people) == {"laura.martin", "javier.ortega", "sofia.navarro", "diego.ramos"}

        def seen(entity: str, who: str) -> set[int]:
            return {r.id for r in records.query(entity, user=people[who]).page(limit=200).items}

        everything = {e: {r.id for r in records.query(e, user=None).page(limit=200).items}
                      for e in ("contacts_account", "sales_deal", "sales_lead")}
        for entity, every in everything.items():
            mine = {who: seen(entity, who) for who in ("laura.martin", "javier.ortega", "sofia.navarro")}
            assert all(mine.values()), f"a rep sees no {entity}"
            assert all(len(ids) < len(every) for ids in mine.values())  # nobody sees everyone's
            assert set().union(*mine.values()) == every  # every demo record has a rep
        north = seen("sales_deal", "laura.martin") | seen("sales_deal", "javier.ortega")
        assert north <= seen("sales_deal", "diego.ramos") and not seen("sales_deal", "sofia.navarro") <= north
        deal = records.get("sales_deal", min(seen("sales_deal", "sofia.navarro")), user=None)
        account = records.get("contacts_account", deal["account_id"], user=None) if deal["account_id"] else None
        assert account is None or account["owner_id"] == deal["owner_id"]  # a deal is its account's owner's
