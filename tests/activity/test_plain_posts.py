"""Without JavaScript, a note posted on a record's page comes back to the page's Timeline tab, where it shows."""
from __future__ import annotations

import re


def test_a_plain_post_lands_on_the_timeline_tab(as_ana, account):
    answer = as_ana.post(f"/r/trade_account/{account.id}/notes", data={"body": "Ring back on Monday"})
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/r/trade_account/{account.id}?tab=timeline")
    page = as_ana.get(answer.headers["Location"]).text
    panel = re.search(r'<div class="tab-panel" role="tabpanel" id="panel-timeline"[^>]*>', page).group(0)
    assert "hidden" not in panel and "Ring back on Monday" in page
