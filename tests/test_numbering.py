"""Numbering series (trato.numbering): gapless under concurrency and rollbacks, fiscal-year periods, never reused,
and the admin screen. The concurrency tests run on whichever database the suite runs on (SQLite or PostgreSQL)."""
from __future__ import annotations

import html
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select

from trato import db, numbering, records
from trato.companies.models import Company
from trato.numbering import NumberingError, OutsideTransaction, SeriesCounter, UnknownSeries


class Rollback(Exception):
    """Raised inside a transaction to undo it."""


def add_company(app, name: str = "Acme Iberia", start_month: int = 4) -> int:
    with app.app_context():
        session = db.session()
        row = Company(legal_name=name, fiscal_year_start_month=start_month)
        session.add(row)
        session.commit()
        return row.id


def make_series(app, code: str = "invoice", pattern: str = "F{year}-{seq:05}", **kwargs):
    with app.app_context():
        return numbering.create_series(code, pattern, **kwargs)


def take(app, code: str = "invoice", **kwargs) -> numbering.Issued:
    with app.app_context(), records.atomic():
        return numbering.next_number(code, **kwargs)


def counters(app, code: str) -> dict[int, tuple[int, int]]:
    with app.app_context():
        series = next(s for s in numbering.all_series() if s.code == code)
        rows = db.session().scalars(select(SeriesCounter).where(SeriesCounter.series_id == series.id))
        return {row.period: (row.next_number, row.last_issued) for row in rows}


def test_numbers_follow_the_pattern_in_order(app):
    make_series(app, pattern="F{year}-{seq:05}")
    issued = [take(app, on=date(2026, 5, 4)) for _ in range(3)]
    assert [(i.code, i.period, i.sequence, i.text) for i in issued] == [
        ("invoice", None, 1, "F2026-00001"), ("invoice", None, 2, "F2026-00002"), ("invoice", None, 3, "F2026-00003")]


def test_a_rolled_back_transaction_gives_its_number_back(app):
    make_series(app, code="case", pattern="CASE-{seq:06}")
    with app.app_context():
        with pytest.raises(Rollback), records.atomic():
            assert numbering.next_number("case").text == "CASE-000001"
            raise Rollback
    assert take(app, "case").text == "CASE-000001"
    assert take(app, "case").text == "CASE-000002"


def test_preview_shows_the_next_number_without_taking_it(app):
    make_series(app, code="quote", pattern="P{yy}/{seq}")
    with app.app_context():
        assert numbering.preview("quote", date(2026, 1, 2)).text == "P26/1"
        assert numbering.preview("quote", date(2026, 1, 2)).text == "P26/1"
    assert take(app, "quote", on=date(2026, 1, 2)).text == "P26/1"
    with app.app_context():
        assert numbering.preview("quote", date(2026, 1, 2)).sequence == 2


def test_fifty_concurrent_transactions_with_a_third_rolled_back_leave_no_gap_and_no_duplicate(app):
    """Each thread has its own app context, session and connection; they start together."""
    make_series(app, code="race", pattern="R-{seq}")
    count = 50
    undone = set(random.Random(13).sample(range(count), count // 3))
    barrier = threading.Barrier(count)

    def work(n: int) -> int | None:
        barrier.wait()
        with app.app_context():
            try:
                with records.atomic():
                    issued = numbering.next_number("race")
                    assert issued.text == f"R-{issued.sequence}"
                    if n in undone:
                        raise Rollback
                    return issued.sequence
            except Rollback:
                return None

    with ThreadPoolExecutor(count) as pool:
        results = list(pool.map(work, range(count)))
    kept = [r for r in results if r is not None]
    assert len(kept) == count - len(undone)
    assert sorted(kept) == list(range(1, len(kept) + 1))  # no gap, no duplicate
    assert counters(app, "race") == {0: (len(kept) + 1, len(kept))}


def test_a_second_transaction_waits_for_the_first_and_gets_the_next_number(app):
    """The first holds its number (and the lock) until it commits; the second, started meanwhile, gets 2.

    The first lingers a moment after the second set off, so that the second is
    most likely waiting on the lock (not an assertion on time: either way 1, 2)."""
    make_series(app, code="wait", pattern="W{seq}")
    first_took, second_started = threading.Event(), threading.Event()

    def first() -> int:
        with app.app_context(), records.atomic():
            sequence = numbering.next_number("wait").sequence
            first_took.set()
            second_started.wait(10)
            time.sleep(0.3)
            return sequence

    def second() -> int:
        first_took.wait(10)
        second_started.set()
        return take(app, "wait").sequence

    with ThreadPoolExecutor(2) as pool:
        one, two = pool.submit(first), pool.submit(second)
        assert (one.result(), two.result()) == (1, 2)


def test_a_series_restarts_each_fiscal_year_of_a_company_starting_in_april(app):
    company = add_company(app, start_month=4)
    make_series(app, pattern="F{fy}-{seq:04}", reset_yearly=True, company=company)
    on = [date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1), date(2027, 3, 31), date(2027, 4, 1),
          date(2026, 3, 31)]  # the last one: a late document of fiscal year 2025
    issued = [take(app, on=day, company=company) for day in on]
    assert [(i.period, i.text) for i in issued] == [
        (2025, "F2025-0001"), (2025, "F2025-0002"), (2026, "F2026-0001"), (2026, "F2026-0002"),
        (2027, "F2027-0001"), (2025, "F2025-0003")]
    assert counters(app, "invoice") == {2025: (4, 3), 2026: (3, 2), 2027: (2, 1)}


def test_a_series_made_in_a_transaction_of_its_own_reads_nothing_through_the_apps_session(app):
    """A plugin's set-up makes its series in the enabling transaction: the company it reads for the fiscal year
    must come through that transaction, or the app's session is left with a read open behind it (on SQLite, a
    stale snapshot whose next write fails at once with "database is locked")."""
    with app.app_context():
        app_session = db.session()
        with app.extensions["trato"].sessionmaker() as own, own.begin():
            numbering.create_series("x_claim", "C{fy}-{seq:03}", reset_yearly=True, session=own)
            issued = numbering.take(own, own.scalar(select(numbering.Series).where(
                numbering.Series.code == "x_claim")), date(2026, 5, 1))
        assert issued.text == "C2026-001" and not app_session.in_transaction()
        app_session.add(Company(legal_name="Written after"))
        app_session.commit()


def test_a_series_that_does_not_restart_counts_across_years(app):
    make_series(app, pattern="F{year}-{seq:03}")
    assert [take(app, on=d).text for d in (date(2026, 12, 31), date(2027, 1, 1))] == ["F2026-001", "F2027-002"]


def test_a_company_series_comes_before_the_install_wide_one(app):
    acme, other = add_company(app, "Acme"), add_company(app, "Other")
    make_series(app, pattern="ALL-{seq}")
    make_series(app, pattern="ACME-{seq}", company=acme)
    assert take(app, company=acme).text == "ACME-1"
    assert take(app, company=other).text == "ALL-1"
    assert take(app).text == "ALL-2"  # the default company has no series of its own


@pytest.mark.parametrize(("pattern", "why"), [
    ("F{year}-0001", "needs {seq}"),
    ("", "Give a pattern"),
    ("F-{number}", "Unknown placeholder {number}"),
    ("F-{seq.__class__}", "Unknown placeholder"),
    ("F-{seq!r}", "Unknown placeholder"),
    ("F-{seq", "cannot be read"),
    ("F-{seq:x>}", "cannot be read"),
    ("F-{seq:.2f}", "cannot be read"),
    ("F-{seq:{year}}", "cannot be read"),
])
def test_a_bad_pattern_is_refused_at_its_field_and_nothing_is_made(app, pattern, why):
    with app.app_context():
        with pytest.raises(NumberingError, match=why) as refused:
            numbering.create_series("invoice", pattern)
        assert refused.value.field == "pattern"
        assert numbering.all_series() == []


def test_a_yearly_reset_needs_the_fiscal_year_in_the_pattern(app):
    april = add_company(app, start_month=4)
    with app.app_context():
        with pytest.raises(NumberingError, match="fiscal year in its pattern") as refused:
            numbering.create_series("invoice", "F{year}-{seq}", reset_yearly=True, company=april)
        assert refused.value.field == "pattern"
        # The default company's fiscal year is the calendar year, so {year} names it.
        assert numbering.create_series("invoice", "F{year}-{seq}", reset_yearly=True).reset_yearly


def test_codes_are_unique_per_company(app):
    acme = add_company(app)
    make_series(app)
    make_series(app, company=acme)
    with app.app_context():
        for company in (None, acme):
            with pytest.raises(NumberingError, match="already has the code") as refused:
                numbering.create_series("invoice", "X{seq}", company=company)
            assert refused.value.field == "code"
        with pytest.raises(NumberingError) as refused:
            numbering.create_series("invoice", "X{seq}", company=9999)
        assert refused.value.field == "company"


def test_the_next_number_moves_only_forward_past_the_highest_issued(app):
    made = make_series(app, code="case", pattern="C{seq}")
    for _ in range(5):
        take(app, "case")
    with app.app_context():
        for back in (5, 3, 0):
            with pytest.raises(NumberingError, match="never reused") if back else pytest.raises(NumberingError) as no:
                numbering.update_series(made.id, {"next_number": back})
            assert no.value.field == "next_number"
        assert numbering.get_series(made.id).next_number == 6
        assert numbering.update_series(made.id, {"next_number": 100}).next_number == 100
    assert take(app, "case").text == "C100"
    with app.app_context():  # forward then back, yet above the highest issued (100): allowed
        assert numbering.update_series(made.id, {"next_number": 101}).last_issued == 100
        with pytest.raises(NumberingError):
            numbering.update_series(made.id, {"next_number": 100})


def test_once_numbers_are_issued_the_company_and_reset_stay(app):
    acme = add_company(app, start_month=1)
    made = make_series(app, pattern="F{fy}-{seq}")
    with app.app_context():
        assert numbering.update_series(made.id, {"company": acme, "reset_yearly": True}).company_id == acme
    take(app, company=acme)
    with app.app_context():
        with pytest.raises(NumberingError) as refused:
            numbering.update_series(made.id, {"company": None})
        assert refused.value.field == "company"
        with pytest.raises(NumberingError) as refused:
            numbering.update_series(made.id, {"reset_yearly": False})
        assert refused.value.field == "reset_yearly"
        assert numbering.update_series(made.id, {"pattern": "FA{fy}-{seq:04}", "label": "Invoices"}).pattern \
            == "FA{fy}-{seq:04}"


def test_an_unknown_series_is_a_clear_error(app):
    with app.app_context(), records.atomic():
        with pytest.raises(UnknownSeries, match="no numbering series nope"):
            numbering.next_number("nope")
    with app.app_context(), pytest.raises(UnknownSeries):
        numbering.preview("nope")


def test_a_number_asked_for_outside_a_transaction_is_refused_and_nothing_is_taken(app):
    make_series(app, code="case", pattern="C{seq}")
    with app.app_context():
        db.session().execute(select(1))  # an autobegun transaction is not one the caller began
        with pytest.raises(OutsideTransaction, match="inside a transaction"):
            numbering.next_number("case")
    assert counters(app, "case") == {0: (1, 0)}
    with app.app_context():  # a transaction the caller began on the session itself will do
        session = db.session()
        with session.begin():
            assert numbering.next_number("case").text == "C1"
    assert counters(app, "case") == {0: (2, 1)}


# The admin screen (Administration → Numbering series).

def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    assert found, f"no error at {field_id}"
    return html.unescape(found.group(1))


def preview_text(page: str) -> str:
    found = re.search(r'<p id="series-preview"[^>]*>(.*?)</p>', page, re.S)
    assert found, "no preview"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_admins_create_list_and_edit_series(app, client_as):
    admin = client_as("admin")
    form = admin.get("/admin/series").get_data(as_text=True)
    assert "No numbering series yet." in form and 'href="/admin/series"' in form
    made = admin.post("/admin/series", data={"series-code": "invoice", "series-label": "Invoices",
                                             "series-pattern": "F{year}-{seq:05}", "series-company": "",
                                             "series-next_number": "41"})
    assert made.status_code == 302
    year = date.today().year
    listed = admin.get("/admin/series").get_data(as_text=True)
    assert "Invoices" in listed and f"F{year}-00041" in listed
    [series] = numbering_rows(app)
    edit = admin.get(f"/admin/series/{series.id}").get_data(as_text=True)
    assert preview_text(edit) == f"Next number: F{year}-00041" and 'value="F{year}-{seq:05}"' in edit
    saved = admin.post(f"/admin/series/{series.id}", data={
        "series-label": "Sales invoices", "series-pattern": "FV{yy}/{seq:04}", "series-company": "",
        "series-next_number": "41", "series-reset_yearly": "y"})
    assert saved.status_code == 302
    [series] = numbering_rows(app)
    assert (series.label, series.pattern, series.reset_yearly, series.next_number) == (
        "Sales invoices", "FV{yy}/{seq:04}", True, 41)


def test_admin_refusals_are_shown_at_their_field_and_change_nothing(app, client_as):
    admin = client_as("admin")
    no_seq = admin.post("/admin/series", data={"series-code": "case", "series-pattern": "CASE-0001",
                                               "series-next_number": "1"})
    assert no_seq.status_code == 422
    page = no_seq.get_data(as_text=True)
    assert "needs {seq}" in field_error(page, "series-pattern") and "needs {seq}" in preview_text(page)
    assert numbering_rows(app) == []
    made = make_series(app, code="case", pattern="C{seq}")
    for _ in range(3):
        take(app, "case")
    back = admin.post(f"/admin/series/{made.id}", data={"series-pattern": "C{seq}", "series-next_number": "2"})
    assert back.status_code == 422
    assert "Numbers up to 3 have been issued" in field_error(back.get_data(as_text=True), "series-next_number")
    assert numbering_rows(app)[0].next_number == 4
    clash = admin.post("/admin/series", data={"series-code": "case", "series-pattern": "X{seq}",
                                              "series-next_number": "1"})
    assert clash.status_code == 422 and "already has the code" in field_error(clash.get_data(as_text=True),
                                                                               "series-code")
    assert admin.get("/admin/series/999").status_code == 404


def test_the_live_preview_follows_what_is_typed(app, client_as):
    admin = client_as("admin")
    april = add_company(app, start_month=4)
    shown = admin.get("/admin/series/preview", query_string={
        "series-pattern": "F{fy}-{seq:04}", "series-next_number": "7", "series-reset_yearly": "y",
        "series-company": str(april)})
    today = date.today()
    fiscal_year = today.year if today.month >= 4 else today.year - 1
    assert (shown.status_code == 200
            and preview_text(shown.get_data(as_text=True)) == f"Next number: F{fiscal_year}-0007")
    wrong = admin.get("/admin/series/preview", query_string={"series-pattern": "F-{nope}"})
    assert "Unknown placeholder {nope}" in preview_text(wrong.get_data(as_text=True))


def test_non_admins_get_403_and_change_nothing(app, client_as):
    user = client_as("user")
    assert user.get("/admin/series").status_code == 403
    assert user.get("/admin/series/preview").status_code == 403
    assert user.post("/admin/series", data={"series-code": "x", "series-pattern": "X{seq}",
                                            "series-next_number": "1"}).status_code == 403
    assert numbering_rows(app) == []


def test_the_series_screen_in_spanish(app, client_as, make_user):
    client = client_as(make_user(admin=True, locale="es"))
    page = client.get("/admin/series").get_data(as_text=True)
    assert "Series de numeración" in page and "Todavía no hay series de numeración." in page
    refused = client.post("/admin/series", data={"series-code": "factura", "series-pattern": "F-0001",
                                                 "series-next_number": "1"})
    assert "necesita {seq}" in field_error(refused.get_data(as_text=True), "series-pattern")


def numbering_rows(app) -> list[numbering.SeriesInfo]:
    with app.app_context():
        return numbering.all_series()
