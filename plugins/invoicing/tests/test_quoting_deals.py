"""With sales enabled: a deal's header offers "Create quote" (the new quote's form starts with the deal and
its account), the deal's page lists its quotes, and the deal's amount follows the quote of it accepted."""
from __future__ import annotations

from decimal import Decimal

from trato import Money, RecordLink, records

from trato_invoicing.quoting import links, revisions

QUOTE = "invoicing_quote"
DEAL = "sales_deal"


def make_deal(owner) -> tuple[int, int]:
    account = records.create("contacts_account", {"name": "Conservas Zubia"}, user=owner)
    stage = records.query("sales_stage", user=None).order_by("position").page(limit=1).items[0]
    deal = records.create(DEAL, {"name": "Zubia renewal", "account_id": account.id,
                                 "pipeline_id": stage["pipeline_id"], "stage_id": stage.id,
                                 "amount": Money(Decimal("5000.00"), "EUR")}, user=owner)
    return deal.id, account.id


def quote_for(deal_id: int, account_id: int, owner, price: str) -> int:
    tax = records.query("catalog_tax", user=None).where({"code": "IVA21"}).page(limit=1).items[0].id
    return records.create(QUOTE, {"account_id": account_id, "deal": RecordLink(DEAL, deal_id), "lines": [
        {"description": "Tins", "quantity": "100", "unit_price": Money(Decimal(price), "EUR"), "tax_id": tax}]},
        user=owner).id


def test_the_deal_page_offers_a_quote_and_lists_its_quotes(invoicing_sales_app, client_as, make_user):
    owner = make_user(admin=True)
    client = client_as(owner)
    with invoicing_sales_app.app_context():
        deal_id, account_id = make_deal(owner)
    page = client.get(f"/r/{DEAL}/{deal_id}")
    assert "Create quote" in page.text
    assert f'href="/r/{QUOTE}/new?deal=sales_deal:{deal_id}&amp;account_id={account_id}"' in page.text
    form = client.get(f"/r/{QUOTE}/new?deal=sales_deal%3A{deal_id}&account_id={account_id}")
    assert form.status_code == 200 and "Zubia renewal" in form.text and "Conservas Zubia" in form.text
    with invoicing_sales_app.app_context():
        quote_id = quote_for(deal_id, account_id, owner, "12.50")
    tab = client.get(f"/r/{DEAL}/{deal_id}?tab=invoicing-quoting-documents-tab")
    assert f"/r/{QUOTE}/{quote_id}" in tab.text and "1,250.00" in tab.text


def test_the_deal_amount_follows_the_accepted_quote_net_total(invoicing_sales_app, make_user):
    owner = make_user(admin=True)
    with invoicing_sales_app.app_context():
        deal_id, account_id = make_deal(owner)
        first = quote_for(deal_id, account_id, owner, "12.50")
        second = revisions.new_revision(first, user=owner)
        quote = records.get(QUOTE, second.id, user=None)
        records.update(QUOTE, second.id, {"status": "accepted"}, user=owner, version=quote.version)
        assert records.get(DEAL, deal_id, user=None)["amount"] == Money(Decimal("1250.00"), "EUR")
        assert links.newer_revision_exists(records.get(QUOTE, first, user=None))
