"""The columns and widths a user keeps for a list: chosen once, shown on every bare visit until reset, per user."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit


def _headers(page: str) -> list[str]:
    """The field names of the list's columns, in order."""
    return re.findall(r'<th scope="col" class="[^"]*resizable" data-column="([a-z_]+)"', page)


def _choose(client, columns: list[str], back: str = "sort=name", **form):
    return client.post("/r/trade_deal/layout/columns", data={"col": columns, "back": back, **form})


def test_chosen_columns_are_kept_for_the_next_visit_until_reset(trade_app, client_as, make_record):
    make_record("trade_deal", name="Renovación", stage="won")
    client = client_as("admin")
    assert _headers(client.get("/r/trade_deal/").get_data(as_text=True)) == ["name", "account_id", "amount"]

    chosen = _choose(client, ["stage", "name", "closes_on"], back="sort=-name&stage=won&cols=name&cursor=xyz")
    target = urlsplit(chosen.headers["Location"])
    args = parse_qs(target.query)
    assert target.path == "/r/trade_deal/" and args == {"sort": ["-name"], "stage": ["won"],
                                                        "cols": ["stage,name,closes_on"]}
    bare = client.get("/r/trade_deal/").get_data(as_text=True)
    assert _headers(bare) == ["stage", "name", "closes_on"] and "Renovación" in bare
    # A URL naming its own columns (a saved view, a shared link) still shows those.
    assert _headers(client.get("/r/trade_deal/?cols=amount").get_data(as_text=True)) == ["amount"]
    # Someone else's list is untouched.
    other = client_as("admin")
    assert _headers(other.get("/r/trade_deal/").get_data(as_text=True)) == ["name", "account_id", "amount"]

    reset = _choose(client, ["stage"], back="sort=name", reset="1")
    assert urlsplit(reset.headers["Location"]).query == "sort=name"
    assert _headers(client.get("/r/trade_deal/").get_data(as_text=True)) == ["name", "account_id", "amount"]


def test_unknown_columns_are_not_kept(trade_app, client_as, make_record):
    make_record("trade_deal", name="Renovación")
    client = client_as("admin")
    _choose(client, ["nope", "stage"])
    assert _headers(client.get("/r/trade_deal/").get_data(as_text=True)) == ["stage"]


def test_a_dragged_width_is_kept_and_written_back_on_the_header(trade_app, client_as, make_record):
    make_record("trade_deal", name="Renovación")
    client = client_as("admin")
    kept = client.post("/r/trade_deal/layout/width", data={"field": "amount", "width": "212"})
    assert kept.status_code == 204
    page = client.get("/r/trade_deal/").get_data(as_text=True)
    assert re.search(r'data-column="amount" data-width="212"', page)
    assert 'aria-valuenow="212"' in page and re.search(r'data-column="name"(?! data-width)', page)
    # Widths and columns are kept together: choosing columns leaves the width, resetting forgets it.
    _choose(client, ["amount", "name"])
    assert 'data-column="amount" data-width="212"' in client.get("/r/trade_deal/").get_data(as_text=True)
    _choose(client, [], reset="1")
    assert "data-width=" not in client.get("/r/trade_deal/").get_data(as_text=True)


def test_a_width_out_of_range_or_an_unknown_column_is_refused_saying_why(trade_app, client_as):
    client = client_as("admin")
    for form, said in [({"field": "amount", "width": "9000"}, "A column is 48 to 960 pixels wide."),
                       ({"field": "amount", "width": "wide"}, "A column is 48 to 960 pixels wide."),
                       ({"field": "nope", "width": "200"}, "There is no column nope in this list.")]:
        refused = client.post("/r/trade_deal/layout/width", data=form)
        assert refused.status_code == 422 and refused.get_data(as_text=True) == said
    assert "data-width=" not in client.get("/r/trade_deal/").get_data(as_text=True)


def test_the_chooser_keeps_what_the_page_shows(trade_app, client_as):
    """The chooser posts the page's state with it, so that choosing columns keeps the filters and the sort."""
    page = client_as("admin").get("/r/trade_deal/?stage=won&sort=-name").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/r/trade_deal/layout/columns">.*?name="back" value="([^"]*)"',
                     page, re.S)
    assert parse_qs(form.group(1).replace("&amp;", "&")) == {"sort": ["-name"], "stage": ["won"],
                                                            "cols": ["name,account_id,amount"]}
