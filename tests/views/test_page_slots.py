"""Page slots: what the trade sample plugin adds to the generic pages shows for its entity and the roles it
chose, a failing plugin is left out while the page stands, and the detail page's tabs work without scripts."""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager

from trato import Fragment, hookimpl, records


def _tabs(page: str) -> list[str]:
    return re.findall(r'role="tab" id="tab-([\w-]+)"', page)


def _panel(page: str, key: str) -> str:
    return re.search(rf'<div class="tab-panel" role="tabpanel" id="panel-{key}"[^>]*>', page).group(0)


def test_hook_page_slot(trade_app, make_user, client_as):
    """The header button and the tab trade adds show on its accounts only."""
    rep = make_user(app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "Nortech"}, user=rep)
        records.create("trade_deal", {"name": "Renewal", "account_id": account.id}, user=rep)
        records.create("trade_deal", {"name": "Old win", "account_id": account.id, "stage": "won"}, user=rep)
        deal = records.create("trade_deal", {"name": "Other"}, user=rep)

    page = client_as(rep).get(f"/r/trade_account/{account.id}").text
    header = re.search(r'data-slot="record-header">(.*?)</div>', page, re.S).group(1)
    assert f'href="/r/trade_deal/new?account_id={account.id}"' in header and "New deal" in header
    assert _tabs(page) == ["details", "related-trade_account-parent_id", "related-trade_deal-account_id",
                           "timeline", "files", "trade-open-deals"]
    tab = re.search(r'id="panel-trade-open-deals".*?</section>', page, re.S).group(0)
    assert "Renewal" in tab and "Old win" not in tab  # the plugin's own content, rendered by its template

    deal_page = client_as(rep).get(f"/r/trade_deal/{deal.id}").text
    assert "New deal" not in deal_page and "trade-open-deals" not in deal_page


def test_a_role_that_may_not_create_deals_gets_no_header_button(trade_app, make_user, client_as):
    rep = make_user(app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "Nortech"}, user=rep)
    page = client_as("read_only", app=trade_app).get(f"/r/trade_account/{account.id}").text
    assert "Nortech" in page and "New deal" not in page
    assert "trade-open-deals" in page  # the tab only reads: every role that sees the account gets it


def test_the_detail_tabs_are_links_the_server_answers(trade_app, make_user, client_as):
    rep = make_user(app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "Nortech", "city": "Bilbao"}, user=rep)
    client = client_as(rep)
    first = client.get(f"/r/trade_account/{account.id}").text
    assert 'role="tablist"' in first
    assert 'aria-selected="true" tabindex="0"' in re.search(r'<a[^>]*id="tab-details"[^>]*>', first).group(0)
    assert "hidden" not in _panel(first, "details") and "hidden" in _panel(first, "timeline")
    assert "Bilbao" in first  # every tab's content is in the page, for find-in-page

    timeline = client.get(f"/r/trade_account/{account.id}?tab=timeline").text
    assert "hidden" not in _panel(timeline, "timeline") and "hidden" in _panel(timeline, "details")
    assert 'aria-selected="true"' in re.search(r'<a[^>]*id="tab-timeline"[^>]*>', timeline).group(0)
    link = re.search(r'<a[^>]*id="tab-trade-open-deals"[^>]*>', timeline).group(0)
    assert f'href="/r/trade_account/{account.id}?tab=trade-open-deals"' in link and "hx-get" in link

    unknown = client.get(f"/r/trade_account/{account.id}?tab=nonsense").text
    assert "hidden" not in _panel(unknown, "details")


def test_the_mass_action_and_row_action_show_on_account_lists_for_editors(trade_app, make_user, client_as):
    rep = make_user(app=trade_app)
    with trade_app.app_context():
        first = records.create("trade_account", {"name": "Nortech"}, user=rep)
        second = records.create("trade_account", {"name": "Sudtech"}, user=rep)
        records.create("trade_deal", {"name": "Renewal"}, user=rep)
    client = client_as(rep)
    page = client.get("/r/trade_account/?sort=name").text
    assert 'formaction="/trade/accounts/vip"' in page and "Mark VIP" in page
    row = re.search(rf'<tr id="row-{first.id}">.*?</tr>', page, re.S).group(0)
    assert f'href="/r/trade_deal/?account_id={first.id}"' in row

    deals = client.get("/r/trade_deal/").text
    assert "Mark VIP" not in deals and "row-actions" not in deals

    reader = client_as("read_only", app=trade_app).get("/r/trade_account/").text
    assert "Nortech" in reader and "Mark VIP" not in reader

    back = client.post("/trade/accounts/vip", data={"ids": [first.id, second.id], "back": "sort=name"})
    assert back.status_code == 302 and back.headers["Location"].endswith("/r/trade_account/?sort=name")
    with trade_app.app_context():
        assert records.get("trade_account", first.id, user=rep)["vip"] is True
        assert records.get("trade_account", second.id, user=rep)["vip"] is True


def test_a_plugin_whose_slot_raises_is_left_out_and_the_page_stands(trade_app, make_user, client_as, caplog):
    rep = make_user(app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "slot boom", "city": "Bilbao"}, user=rep)
    with caplog.at_level(logging.ERROR, logger="trato.slots"):
        response = client_as(rep).get(f"/r/trade_account/{account.id}")
    assert response.status_code == 200
    assert "Bilbao" in response.text and "New deal" not in response.text and "trade-open-deals" not in response.text
    assert "plugin trade: hook page_slot failed (record_header)" in caplog.text


@contextmanager
def _hooks(app, implementation, name):
    """`implementation`'s hooks, registered as one more plugin for the block's requests."""
    host = app.extensions["trato"].plugins
    host.pm.register(implementation, name=name)
    host.hook._cache.clear()
    try:
        yield
    finally:
        host.pm.unregister(name=name)
        host.hook._cache.clear()


def test_a_fragment_whose_template_fails_is_left_out(trade_app, make_user, client_as, caplog):
    """A broken template in a header button: the button goes, the rest of the page stays."""

    class Broken:
        @hookimpl
        def page_slot(slot, entity, record, user):
            if slot == "record_header":
                return [Fragment("Broken", "no/such/template.html")]
            return []

    rep = make_user(app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "Nortech"}, user=rep)
    with _hooks(trade_app, Broken, "broken-slot"), caplog.at_level(logging.ERROR, logger="trato.slots"):
        page = client_as(rep).get(f"/r/trade_account/{account.id}").text
    assert "New deal" in page and "Broken" not in page
    assert "no/such/template.html" in caplog.text


def _button(label):
    return Fragment(label, "slots/button.html", {"href": "/somewhere", "label": label})


class EverySlot:
    """Answers every slot of trade deals (and the home page) with buttons named after it, in priority order."""

    @hookimpl
    def page_slot(slot, entity, record, user):
        if entity not in ("trade_deal", None):
            return []
        where = f"{slot} {record['name'] if record is not None else '-'}"
        return [Fragment(f"second {where}", "slots/button.html", {"href": "/b", "label": f"second {where}"}, 20),
                Fragment(f"first {where}", "slots/button.html", {"href": "/a", "label": f"first {where}"}, 10)]


def test_every_slot_is_drawn_in_priority_order(trade_app, make_user, client_as):
    rep = make_user(app=trade_app)
    with trade_app.app_context():
        deal = records.create("trade_deal", {"name": "Renewal"}, user=rep)
    client = client_as(rep)
    with _hooks(trade_app, EverySlot, "every-slot"):
        detail = client.get(f"/r/trade_deal/{deal.id}").text
        form = client.get(f"/r/trade_deal/{deal.id}/edit").text
        new = client.get("/r/trade_deal/new").text
        listing = client.get("/r/trade_deal/").text
        home = client.get("/").text
        account_list = client.get("/r/trade_account/").text

    def order(page, slot):
        """Which of the two fragments shows first (a titled one shows its title, then its content)."""
        return list(dict.fromkeys(re.findall(rf">(first|second) {slot}<", page)))

    for slot in ("record_header", "record_menu", "record_alerts"):
        assert order(detail, f"{slot} Renewal") == ["first", "second"], slot
    assert _tabs(detail)[-2:] == ["slots-button", "slots-button-2"]  # one template, two tabs: keys kept apart
    assert re.findall(r'role="tab" id="tab-slots-button[-2]*"[^>]*>(first|second)', detail) == ["first", "second"]
    menu = re.search(r'data-slot="record-menu">(.*?)</details>', detail, re.S).group(1)
    assert "first record_menu Renewal" in menu
    assert order(form, "form_sections Renewal") == ["first", "second"]
    assert order(new, "form_sections -") == ["first", "second"]  # a new record's form: no record yet
    for slot in ("list_actions", "list_mass_actions"):
        assert order(listing, f"{slot} -") == ["first", "second"], slot
    assert listing.count(">first list_row_actions -") == 1  # one row, one link
    assert order(home, "dashboard -") == ["first", "second"]
    assert "list_actions" not in account_list  # asked for trade_account, it answered nothing


class FailingWidgetsAndPanels:
    """A plugin whose dashboard widget and detail panel raise: the home page and the record page stand."""

    @hookimpl
    def dashboard_widgets(user):
        raise RuntimeError("widget failed")

    @hookimpl
    def detail_panels(entity, record, user):
        return [Fragment("Working panel", "slots/button.html", {"href": "/x", "label": "fine"}),
                Fragment("Broken panel", "no/such/panel.html")]


def test_a_failing_widget_or_panel_is_left_out(trade_app, make_user, client_as, caplog):
    rep = make_user(app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "Nortech"}, user=rep)
    client = client_as(rep)
    with _hooks(trade_app, FailingWidgetsAndPanels, "failing"), caplog.at_level(logging.ERROR, logger="trato.slots"):
        home = client.get("/")
        detail = client.get(f"/r/trade_account/{account.id}")
    assert home.status_code == 200 and "Hello" in home.text
    assert detail.status_code == 200 and "Working panel" in detail.text and "Broken panel" not in detail.text
    assert "plugin failing: hook dashboard_widgets failed" in caplog.text and "no/such/panel.html" in caplog.text
