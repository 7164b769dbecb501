"""The board's drop and its lost-reason dialog refuse a post without the deal's version, never "last write wins";
only the deals the user may change can be dragged."""
from __future__ import annotations

import re
from html import unescape

from trato import privacy, records

REFUSED = ("This form was sent without the version of the record it was filled in for, so saving it could undo "
           "a change made since; nothing was saved. Check the values and save again.")


def _stage(app, deal_id):
    with app.app_context():
        return records.get("sales_deal", deal_id, user=None)["stage_id"]


def test_a_drop_without_the_version_is_refused(sales_app, pipeline, make_deal, client_as, make_user):
    rita = make_user(name="Rita")
    deal = make_deal("Flota", user=rita)
    moved = client_as(rita).post("/sales/deals/move", data={"id": deal.id, "value": pipeline.stages["Negotiation"]})
    assert moved.status_code == 409 and moved.json["message"] == REFUSED
    assert _stage(sales_app, deal.id) == pipeline.stages["Proposal"]


def test_the_lost_dialog_without_the_version_is_refused_and_offers_it(sales_app, pipeline, make_deal, reasons,
                                                                     client_as, make_user):
    rita = make_user(name="Rita")
    deal = make_deal("Furgoneta", user=rita)
    client, lost = client_as(rita), pipeline.stages["Lost"]
    answer = client.post(f"/sales/deals/{deal.id}/lose", data={"stage": lost, "lost_reason_id": reasons["Price"]})
    page = unescape(answer.get_data(as_text=True))
    assert answer.status_code == 409 and REFUSED in page
    assert _stage(sales_app, deal.id) == pipeline.stages["Proposal"]
    opened = client.get(f"/sales/deals/{deal.id}/lose?stage={lost}").get_data(as_text=True)
    assert f'name="version" value="{deal.version}"' in opened  # opened without one, the dialog carries the deal's


def test_only_deals_the_user_may_change_can_be_dragged(sales_app, pipeline, make_deal, client_as, make_user):
    admin = make_user(admin=True, name="Admin", app=sales_app)
    open_deal, kept = make_deal("Abierta"), make_deal("Guardada")
    with sales_app.test_request_context():
        privacy.block("sales_deal", kept.id, "Kept for the tax inspection", user=admin)
    page = client_as(admin).get(f"/sales/board?pipeline={pipeline.id}").get_data(as_text=True)
    cards = dict(re.findall(r'<li class="kanban-card[^"]*" id="card-(\d+)"([^>]*)>', page))
    assert 'data-movable="true"' in cards[str(open_deal.id)]
    assert "data-movable" not in cards[str(kept.id)]
    assert "You may not change this deal, so its card stays where it is." in cards[str(kept.id)]
