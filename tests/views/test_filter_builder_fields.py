"""The filter builder offers what a person filters by, not the bookkeeping columns (id, version, deletion)."""
from __future__ import annotations

import re


def test_the_builder_leaves_out_id_version_and_deleted(trade_app, client_as):
    page = client_as("admin").get("/r/trade_account/").get_data(as_text=True)
    builder = re.search(r'<select id="filter-field" name="_field".*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option value="([^"]+)"', builder)
    assert "name" in offered and "owner_id" in offered and "created_at" in offered
    assert not {"id", "version", "deleted_at"} & set(offered)


def test_the_url_may_still_filter_by_id(trade_app, client_as, make_record):
    account = make_record("trade_account", name="Acme")
    page = client_as("admin").get(f"/r/trade_account/?id={account['id']}").get_data(as_text=True)
    assert "Acme" in page
