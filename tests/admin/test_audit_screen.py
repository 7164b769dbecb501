"""The audit screen: record changes and security events in one list, filters, paging, CSV, and no way to edit."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from trato import records
from trato.models import utcnow
from trato.records.audit import AuditEntry
from trato.security_log import SecurityEvent
from trato.testing import TEST_PASSWORD


@pytest.fixture
def ana(make_user, trade_app):
    return make_user(email="ana@example.com", name="Ana Pérez", app=trade_app)


def rows_of(page: str) -> list[list[str]]:
    """The audit table as the text of each cell."""
    if "<tbody>" not in page:
        return []
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in row.split("</td>")[:-1]]
            for row in body.split("</tr>")[:-1]]


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field_id}-error">([^<]*)</p>', page)
    assert found, f"no error at {field_id}"
    return found.group(1)


def sign_in(app, email: str, password: str, ip: str) -> None:
    app.test_client().post("/login", data={"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": ip})


def history_of_an_account(app, user) -> Any:
    with app.app_context():
        account = records.create("trade_account", {"name": "Acme", "city": "Sevilla"}, user=user)
        records.update("trade_account", account.id, {"city": "Cádiz"}, user=user, version=account.version)
        records.delete("trade_account", account.id, user=user)
    return account


def test_record_changes_and_security_events_show_newest_first_with_old_and_new_values(trade_app, ana, client_as):
    sign_in(trade_app, "ana@example.com", "wrong-password", "203.0.113.9")
    sign_in(trade_app, "ana@example.com", TEST_PASSWORD, "198.51.100.7")
    account = history_of_an_account(trade_app, ana)
    admin = client_as("admin", app=trade_app)
    page = admin.get("/admin/audit").get_data(as_text=True)
    rows = rows_of(page)
    whats = [r[2] for r in rows]
    assert whats[:5] == ["Moved to the recycle bin", "Record changed", "Record created", "Signed in", "Failed sign-in"]
    deleted, changed, created, login, failed = rows[:5]
    assert changed[1] == "Ana Pérez ana@example.com" and changed[3] == f"Account #{account.id}"
    assert changed[4] == "City Sevilla → Cádiz"
    assert "Name — → Acme" in created[4]
    assert login[3] == "ana@example.com" and login[5] == "198.51.100.7"
    assert failed[5] == "203.0.113.9"
    assert 'href="/admin/audit"' in page and "Audit history" in page  # in the admin menu


def test_filters_narrow_the_list(trade_app, ana, client_as):
    sign_in(trade_app, "ana@example.com", TEST_PASSWORD, "198.51.100.7")
    account = history_of_an_account(trade_app, ana)
    with trade_app.app_context():
        other = records.create("trade_deal", {"name": "Other"}, user=None)
    admin = client_as("admin", app=trade_app)

    def whats(query: str) -> list[str]:
        answer = admin.get(f"/admin/audit?{query}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return [r[2] for r in rows_of(answer.get_data(as_text=True))]

    assert whats("who=P%C3%A9rez") == ["Moved to the recycle bin", "Record changed", "Record created", "Signed in"]
    assert whats("entity=trade_deal") == ["Record created"]
    assert whats(f"entity=trade_account&record_id={account.id}&action=update") == ["Record changed"]
    assert whats(f"record_id={other.id}&entity=trade_deal") == ["Record created"]
    assert whats("action=login") == ["Signed in"]
    assert whats("ip=198.51.") == ["Signed in"]
    assert whats("ip=10.") == []
    today = utcnow().date()
    assert len(whats(f"since={today - timedelta(days=1)}&until={today + timedelta(days=1)}")) >= 5
    assert whats(f"until={today - timedelta(days=2)}") == []
    assert "Nothing matches these filters." in admin.get("/admin/audit?ip=10.").get_data(as_text=True)


def test_an_ownership_change_is_its_own_kind(trade_app, ana, make_user, client_as):
    bea = make_user(name="Bea", app=trade_app)
    with trade_app.app_context():
        account = records.create("trade_account", {"name": "Moved"}, user=None)
        records.update("trade_account", account.id, {"owner_id": bea.id}, user=None, version=None)
        records.update("trade_account", account.id, {"city": "Vigo"}, user=None, version=None)
    rows = rows_of(client_as("admin", app=trade_app).get("/admin/audit?action=owner").get_data(as_text=True))
    assert [(r[2], r[1]) for r in rows] == [("Owner changed", "the system")]
    assert rows[0][4].startswith("Owner")


@pytest.mark.parametrize(("query", "field", "message"), [
    ("record_id=abc", "record_id", "Enter a record id: a whole number above zero."),
    ("record_id=-4", "record_id", "Enter a record id: a whole number above zero."),
    ("since=2026-02-30", "since", "Enter a date as YYYY-MM-DD."),
    ("until=9999-12-31", "until", "Enter a date between the years 1900 and 9998."),
    ("since=0001-01-01", "since", "Enter a date between the years 1900 and 9998."),
    ("since=2026-03-02&until=2026-03-01", "until", "The end date comes before the start date."),
    ("ip=1.2.3.4%27%20OR%201%3D1", "ip", "Enter an IP address, or its beginning (such as 192.168.)."),
    ("entity=nope", "entity", "Not a valid choice."),
    ("action=drop", "action", "Not a valid choice."),
])
def test_a_bad_filter_is_a_form_error(trade_app, client_as, query, field, message):
    admin = client_as("admin", app=trade_app)
    for path in ("/admin/audit", "/admin/audit.csv"):
        answer = admin.get(f"{path}?{query}")
        assert answer.status_code == 400
        assert field_error(answer.get_data(as_text=True), field) == message


def test_a_forged_page_link_is_refused_with_a_message(trade_app, client_as):
    answer = client_as("admin", app=trade_app).get("/admin/audit?cursor=bm9wZQ")
    assert answer.status_code == 400
    assert "This page link is not valid; start again from the newest entries." in answer.get_data(as_text=True)


def test_pages_follow_each_other_without_gaps_or_repeats(trade_app, ana, client_as):
    with trade_app.app_context():
        made = records.bulk_create("trade_account", [{"name": f"A{i}"} for i in range(70)], user=ana)
    for _ in range(3):
        sign_in(trade_app, "ana@example.com", "wrong-password", "192.0.2.1")
    admin = client_as("admin", app=trade_app)
    seen: list[str] = []
    page = admin.get("/admin/audit?who=ana").get_data(as_text=True)
    pages = 1
    while True:
        seen += [r[2] + r[3] for r in rows_of(page)]
        found = re.search(r'href="([^"]+)" rel="next"', page)
        if not found:
            break
        page = admin.get(found.group(1).replace("&amp;", "&")).get_data(as_text=True)
        pages += 1
    assert pages == 2 and len(seen) == 73
    assert seen[:3] == ["Failed sign-inana@example.com"] * 3  # the newest, after the records
    assert seen[3:] == [f"Record createdAccount #{r.id}" for r in reversed(made)]


def test_the_csv_export_streams_the_filtered_rows_safe_for_spreadsheets(trade_app, make_user, client_as):
    sly = make_user(email="=2+3@example.com", name="Sly", app=trade_app)
    with trade_app.app_context():
        records.create("trade_account", {"name": "@SUM(A1)", "city": "-1"}, user=sly)
        records.create("trade_deal", {"name": "Not this one"}, user=sly)
    answer = client_as("admin", app=trade_app).get("/admin/audit.csv?entity=trade_account")
    assert answer.status_code == 200 and answer.mimetype == "text/csv" and answer.is_streamed
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="trato-audit-')
    table = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert table[0] == ["at", "kind", "action", "description", "user", "account", "entity", "record_id", "ip",
                        "details"]
    [line] = table[1:]
    assert line[1:5] == ["record", "create", "Record created", "'=2+3@example.com"]
    assert line[6] == "trade_account"
    assert "name: — → @SUM(A1)" in line[9] and "city: — → -1" in line[9]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in line)


def test_the_csv_has_security_events_with_their_address(trade_app, ana, client_as):
    sign_in(trade_app, "ana@example.com", TEST_PASSWORD, "198.51.100.7")
    text = client_as("admin", app=trade_app).get("/admin/audit.csv?action=login").get_data(as_text=True)
    [_header, line] = list(csv.reader(io.StringIO(text)))
    assert line[1:6] == ["security", "login", "Signed in", "ana@example.com", "ana@example.com"]
    assert line[8] == "198.51.100.7"


def test_only_administrators_see_the_audit(trade_app, client_as):
    user = client_as("user", app=trade_app)
    assert user.get("/admin/audit").status_code == 403
    assert user.get("/admin/audit.csv").status_code == 403
    assert trade_app.test_client().get("/admin/audit").status_code == 302  # to the sign-in page


def test_the_application_offers_no_way_to_change_audit_rows(trade_app, ana, client_as):
    history_of_an_account(trade_app, ana)
    sign_in(trade_app, "ana@example.com", TEST_PASSWORD, "198.51.100.7")
    writes = {"POST", "PUT", "PATCH", "DELETE"}
    audit_rules = [r for r in trade_app.url_map.iter_rules() if "audit" in r.rule or "audit" in r.endpoint]
    assert audit_rules and all(not (r.methods or set()) & writes for r in audit_rules)
    admin = client_as("admin", app=trade_app)

    def counts() -> tuple[int, int]:
        with trade_app.extensions["trato"].sessionmaker() as session:
            return (session.scalar(select(func.count(AuditEntry.id))),
                    session.scalar(select(func.count(SecurityEvent.id))))

    before = counts()
    for method in writes:
        for path in ("/admin/audit", "/admin/audit.csv", "/admin/audit/1"):
            assert admin.open(path, method=method).status_code in (404, 405)
    assert counts() == before
    with trade_app.extensions["trato"].sessionmaker() as session:
        with pytest.raises(Exception, match="append-only"):
            session.execute(update(SecurityEvent).values(ip="0.0.0.0"))


def test_the_audit_speaks_spanish(trade_app, make_user, ana, client_as):
    history_of_an_account(trade_app, ana)
    page = client_as(make_user(admin=True, locale="es", app=trade_app), app=trade_app).get("/admin/audit")
    text = page.get_data(as_text=True)
    assert "Historial de auditoría" in text and "Registro modificado" in text and "Exportar CSV" in text
