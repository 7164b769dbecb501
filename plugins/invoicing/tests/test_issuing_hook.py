"""The `invoice_issued` hook: called once per issue inside the issuing transaction, with the number taken;
a hook that raises refuses the issue, and the number is given back. A small plugin (issuing_spy.py) listens."""
from datetime import date

import pytest
from issuing_spy import SEEN, Refused, spy
from trato_invoicing.issuing import create_invoice, issue

from conftest import PLUGINS
from test_documents_support import customer, line
from trato import records


def test_the_hook_sees_the_issued_invoice_and_may_refuse_it(make_app):
    plugins = {**PLUGINS, "spy": spy}
    app = make_app(plugins=list(plugins), extra_plugins=plugins, default_currency="EUR")
    SEEN.clear()
    with app.app_context():
        account = customer()
        big = create_invoice({"account_id": account.id, "issue_date": date(2026, 11, 2)}, [line("1000.00")],
                             user=None)
        with pytest.raises(Refused):
            issue(big.id, user=None)
        assert records.get("invoicing_invoice", big.id, user=None)["status"] == "draft"
        small = create_invoice({"account_id": account.id, "issue_date": date(2026, 11, 2)}, [line("10.00")],
                               user=None)
        assert issue(small.id, user=None)["number"] == "F2026-00001"   # the refused issue gave it back
    assert SEEN == [("F2026-00001", "issued", None), ("F2026-00001", "issued", None)]
