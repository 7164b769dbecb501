"""What Sales adds to the contacts plugin's account page through the page slots: a "New deal" button that opens
the deal form with the account chosen, and a Pipeline tab with the account's deals, for the roles that may."""
from __future__ import annotations

import re

from trato import records


def test_an_account_has_a_new_deal_button_and_a_pipeline_tab(sales_app, make_deal, make_user, client_as):
    rep = make_user(app=sales_app)
    with sales_app.app_context():
        account = records.create("contacts_account", {"name": "Acme"}, user=rep)
        other = records.create("contacts_account", {"name": "Bolt"}, user=rep)
    make_deal("Acme fleet", "Proposal", user=rep, account_id=account.id,
              amount={"amount": "12500.50", "currency": "EUR"})
    make_deal("Bolt vans", user=rep, account_id=other.id)
    client = client_as(rep)

    page = client.get(f"/r/contacts_account/{account.id}?tab=sales-account-deals").text
    header = re.search(r'data-slot="record-header">(.*?)</div>', page, re.S).group(1)
    assert f'href="/r/sales_deal/new?account_id={account.id}"' in header and "New deal" in header
    tab = re.search(r'id="panel-sales-account-deals"[^>]*>(.*?)</table>', page, re.S)
    assert tab and "hidden" not in tab.group(0).split(">", 1)[0]
    assert "Acme fleet" in tab.group(1) and "Proposal" in tab.group(1) and "12,500.50" in tab.group(1)
    assert "Bolt vans" not in tab.group(1)

    form = client.get(f"/r/sales_deal/new?account_id={account.id}").text
    picker = re.search(r'<select id="account_id".*?</select>', form, re.S).group(0)
    assert re.search(rf'<option value="{account.id}" selected>Acme</option>', picker)

    details = client.get(f"/r/contacts_account/{account.id}?tab=details").text
    assert "hidden" in re.search(r'id="panel-sales-account-deals"[^>]*>', details).group(0)
    assert "Acme fleet" in details  # every tab's content stays in the page


def test_a_read_only_role_gets_the_tab_but_no_button(sales_app, make_deal, client_as):
    with sales_app.app_context():
        account = records.create("contacts_account", {"name": "Acme"}, user=None)
    make_deal("Acme fleet", account_id=account.id)
    page = client_as("read_only", app=sales_app).get(f"/r/contacts_account/{account.id}").text
    assert "sales-account-deals" in page and "Acme fleet" in page
    assert "/r/sales_deal/new?account_id" not in page
