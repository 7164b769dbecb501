"""A plugin's dashboard widget or detail panel that raises is logged and left out; the page stands.

The trade sample plugin's `dashboard_widgets` and `detail_panels` raise for a user or record called
"fragment boom"; the core's own widgets and panels still show."""
from __future__ import annotations

import logging

from trato import records

BOOM = "fragment boom"


def test_a_raising_dashboard_widget_leaves_the_home_page_standing(trade_app, make_user, client_as, caplog):
    boom = make_user(name=BOOM, app=trade_app)
    with caplog.at_level(logging.ERROR, logger="trato.slots"):
        home = client_as(boom).get("/")
    assert home.status_code == 200
    assert "card widget" in home.text and "My activities" in home.text  # the core's own widget still shows
    assert "plugin trade: hook dashboard_widgets failed" in caplog.text
    assert "trade's widget failed" in caplog.text


def test_a_raising_detail_panel_leaves_the_record_and_user_pages_standing(trade_app, make_user, client_as, caplog):
    rep = make_user(app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": BOOM, "city": "Bilbao"}, user=rep)
    with caplog.at_level(logging.ERROR, logger="trato.slots"):
        page = client_as(rep).get(f"/r/trade_account/{account.id}")
    assert page.status_code == 200 and "Bilbao" in page.text
    assert "plugin trade: hook detail_panels failed" in caplog.text

    caplog.clear()
    boom = make_user(name=BOOM, email="boom@example.com", app=trade_app)
    with caplog.at_level(logging.ERROR, logger="trato.slots"):
        admin_page = client_as("admin", app=trade_app).get(f"/admin/users/{boom.id}")
    assert admin_page.status_code == 200 and "boom@example.com" in admin_page.text
    assert "plugin trade: hook detail_panels failed" in caplog.text
