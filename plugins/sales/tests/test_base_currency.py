"""The dashboard totals deals in several currencies in the base currency, at the day's exchange rates."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from trato import currencies


def test_mixed_currencies_are_totalled_in_the_base_currency_once_a_rate_is_known(sales_app, make_deal, client_as,
                                                                                  make_user):
    rita = make_user(name="Rita")
    make_deal("A", user=rita, amount={"amount": "100", "currency": "EUR"})
    make_deal("B", user=rita, amount={"amount": "50", "currency": "USD"})
    make_deal("Won in euros", stage="Won", user=rita, amount={"amount": "900", "currency": "EUR"})
    make_deal("Won in dollars", stage="Won", user=rita, amount={"amount": "100", "currency": "USD"})
    with sales_app.app_context():
        assert currencies.current_codes()[0] == "USD"  # the install's currency: the default company's base
    client = client_as(rita)
    home = client.get("/").text
    deals = home.split("My open deals")[1].split("</section>")[0]
    assert re.search(r'Proposal</th><td>1</td><td class="cell-money">€100.00</td>', deals)  # no rate yet: apart
    assert re.search(r'Proposal</th><td>1</td><td class="cell-money">\$50.00</td>', deals)
    assert "converted" not in deals
    won = home.split("Won this month")[1].split("</section>")[0]
    assert "€900.00 · $100.00" in won
    with sales_app.app_context(), sales_app.extensions["trato"].sessionmaker() as session:
        currencies.save_rates(session, [currencies.Rate("EUR", "USD", date.today() - timedelta(days=3),
                                                        Decimal("1.10"))])
        session.commit()
    home = client.get("/").text
    deals = home.split("My open deals")[1].split("</section>")[0]
    assert re.search(r'Proposal</th><td>2</td><td class="cell-money">\$160.00</td>', deals)
    assert "Other currencies converted at the exchange rates of" in deals
    won = home.split("Won this month")[1].split("</section>")[0]
    assert "$1,090.00" in won and "Other currencies converted at the exchange rates of" in won
