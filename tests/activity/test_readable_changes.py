"""History in the timeline and the audit screen as people read it: the related record's title, the option's label,
money, numbers and dates in the reader's language, the user's name; never ids, option keys or ISO text."""
from __future__ import annotations

import re
from html import unescape

from trato import records
from trato.testing import signed_in_client

from .conftest import HX


def _changes(page: str) -> list[tuple[str, str]]:
    """Each change of the page's timeline or audit list: (label, "old → new"), tags stripped."""
    found = []
    for label, shown in re.findall(r"<dt>([^<]+)</dt>\s*<dd>(.*?)</dd>", page, re.S):
        found.append((unescape(label).strip(), re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", shown))).strip()))
    return found


def test_the_timeline_and_the_audit_show_titles_labels_and_formatted_values(trade_app, make_user, make_record, ana):
    bruno = make_user("bruno@example.com", name="Bruno Ruiz", app=trade_app)
    first = make_record("trade_account", owner=ana, name="Acme Ibérica")
    second = make_record("trade_account", owner=ana, name="Zubi SL")
    deal = make_record("trade_deal", owner=ana, name="Flota", stage="new", account_id=first.id,
                       amount={"amount": "1200.50", "currency": "EUR"}, closes_on="2027-03-31",
                       channels=["web"])
    with trade_app.test_request_context():
        records.update("trade_deal", deal.id, {
            "stage": "won", "account_id": second.id, "amount": {"amount": "25000", "currency": "EUR"},
            "closes_on": "2027-04-15", "last_contact_at": "2027-04-01T09:30:00+00:00", "channels": ["web", "phone"],
            "assignee_id": bruno.id, "probability": "12.5"}, user=ana, version=deal.version)

    english = signed_in_client(trade_app, ana)
    timeline = dict(_changes(english.get(f"/r/trade_deal/{deal.id}/timeline?kind=changes", headers=HX).text))
    assert timeline["Stage"] == "New → Won"
    assert timeline["Account"] == "Acme Ibérica → Zubi SL"
    assert timeline["Amount"] == "€1,200.50 → €25,000.00"
    assert timeline["Closes on"] == "Mar 31, 2027 → Apr 15, 2027"
    assert timeline["Assignee"] == "— → Bruno Ruiz"
    assert timeline["Channels"] == "Web → Web, Phone"
    assert "2027-04-01T" not in timeline["Last contact"] and "2027" in timeline["Last contact"]

    eva = make_user("eva@example.com", admin=True, name="Eva", locale="es", app=trade_app)
    spanish = signed_in_client(trade_app, eva)  # the reader's language is her profile's
    cambios = dict(_changes(spanish.get(f"/r/trade_deal/{deal.id}/timeline?kind=changes", headers=HX).text))
    assert cambios["Etapa"] == "Nuevo → Ganada"
    assert cambios["Importe"].replace("\xa0", " ") == "1.200,50 € → 25.000,00 €"
    assert cambios["Probabilidad"].replace("\xa0", " ") == "— → 100 %"  # won: the sample's before_save says so
    assert cambios["Closes on"] == "31 mar 2027 → 15 abr 2027"

    audit: dict[str, str] = {}
    for label, shown in _changes(english.get(f"/admin/audit?entity=trade_deal&record_id={deal.id}").text):
        audit.setdefault(label, shown)  # newest first: the update, then the creation
    assert audit["Stage"] == "New → Won" and audit["Account"] == "Acme Ibérica → Zubi SL"
    assert audit["Amount"] == "€1,200.50 → €25,000.00"
