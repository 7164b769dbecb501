"""The import wizard in Chromium: upload, map, preview, run as a real background job, progress to the end, counts."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from trato import records
from trato.jobs import prepare_queue
from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.testing import TEST_PASSWORD

from .conftest import ADMIN_EMAIL, LiveApp

pytestmark = pytest.mark.browser
ROWS = 1200  # three batches of the engine, so the job reports progress on the way


@pytest.fixture
def worker_live(make_app, make_user, serve) -> Iterator[tuple[LiveApp, Callable[[], None]]]:
    """An app whose jobs go through the queue to a Huey consumer beside the server, as in production.

    The test starts the consumer (the callable given with the app), so that it sees the job waiting first.
    """
    app = make_app(csrf=True, jobs_immediate=False)
    admin = make_user(email=ADMIN_EMAIL, admin=True, password=TEST_PASSWORD, name="Ada Admin", app=app)
    with app.app_context():
        create_entity(EntitySpec("member", {"en": "Member", "es": "Socio"}, {"en": "Members", "es": "Socios"}, [
            FieldSpec("name", "text", {"en": "Name", "es": "Nombre"}, required=True),
            FieldSpec("joined", "date", {"en": "Joined", "es": "Alta"})], title_field="name"))
    huey = app.extensions["trato"].huey
    prepare_queue(huey)
    consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False)
    started: list[bool] = []

    def start() -> None:
        consumer.start()
        started.append(True)

    yield LiveApp(app=app, base_url=serve(app), admin=admin), start
    if started:
        consumer.stop(graceful=True)


def test_an_import_runs_in_the_background_and_shows_its_counts(page: Page, worker_live, sign_in,
                                                                tmp_path: Path) -> None:
    live, start_worker = worker_live
    lines = ["Nombre;Alta"] + [f"Socio {n};{(n % 28) + 1:02d}/03/2020" for n in range(ROWS - 1)] + ["Roto;32/13/2020"]
    upload = tmp_path / "socios.csv"
    upload.write_bytes("\n".join(lines).encode("cp1252"))
    sign_in(page, live)
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()

    page.goto(live.url("/r/x_member/"))
    page.get_by_role("link", name="Import from CSV").click()
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and map columns").click()
    expect(page.get_by_text("Step 2 of 3")).to_be_visible()
    expect(page.get_by_label("Nombre")).to_have_value("name")
    expect(page.get_by_label("Alta")).to_have_value("joined")

    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("The first 20 rows can be imported.")).to_be_visible()
    page.get_by_role("button", name="Import the rows").click()

    expect(page.get_by_role("heading", name="Import of socios.csv")).to_be_visible()
    progress = page.locator(".import-progress progress")
    expect(progress).to_be_visible()  # the job waits in the queue; the page polls it
    expect(page.locator(".import-progress")).to_contain_text("waiting to start")
    start_worker()
    expect(page.locator("#count-created")).to_have_text("1,199", timeout=60_000)
    expect(page.locator("#count-failed")).to_have_text("1")
    expect(page.get_by_text("finished")).to_be_visible()
    expect(page.get_by_role("link", name="Download the rows that failed (CSV)")).to_be_visible()
    with live.app.app_context():
        assert records.query("x_member", user=None).count().value == ROWS - 1


def test_a_file_that_is_not_utf8_throughout_asks_how_to_read_it_first(page: Page, live_app: LiveApp, sign_in,
                                                                        tmp_path: Path) -> None:
    """One Windows-1252 byte in a UTF-8 file: the wizard shows where and how it reads; leaving the row out works."""
    with live_app.app.app_context():
        create_entity(EntitySpec("member", {"en": "Member", "es": "Socio"}, {"en": "Members", "es": "Socios"}, [
            FieldSpec("name", "text", {"en": "Name", "es": "Nombre"}, required=True)], title_field="name"))
    upload = tmp_path / "socios.csv"
    upload.write_bytes("Nombre\nJosé\nÁngela\n".encode() + b"Mar\xeda\n")
    sign_in(page, live_app)
    page.goto(live_app.url("/r/x_member/import"))
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and map columns").click()

    expect(page.get_by_text("Step 1 of 3: how to read socios.csv")).to_be_visible()
    cells = page.locator("#encoding-cells tbody tr").first.locator("td")
    offset = upload.read_bytes().index(b"\xed")
    expect(cells.nth(1)).to_have_text(f"byte {offset}: 0xED")
    expect(cells.nth(2)).to_have_text("Mar\ufffda")
    expect(cells.nth(3)).to_have_text("María")
    page.get_by_label("Leave those rows out (the result lists them as failed)").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 2 of 3")).to_be_visible()
    expect(page).to_have_url(re.compile(r"encoding=skip"))  # swapped in by HTMX, the address kept

    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("1 of the first 3 rows have errors")).to_be_visible()
    page.get_by_role("button", name="Import the rows").click()
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#count-failed")).to_have_text("1")
    with live_app.app.app_context():
        assert sorted(r["name"] for r in records.query("x_member", user=None).page().items) == ["José", "Ángela"]
