"""Record locks and vetoes: a locked record (and its lines) refuses update, delete and purge through every path.

The `trade` sample plugin locks a deal tagged "signed" (only its notes may
still change: `EntityInfo(locked=..., unlocked_fields=("notes",))`), keeps a
deal tagged "keep" from the retention job (`EntityInfo(keep=...)`), locks any
other entity's record whose name starts with "Frozen" (hook `record_lock`)
and vetoes deleting an account called "keeper" (hook `before_delete`).
"""
from __future__ import annotations

import csv
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from trato import RecordLocked, SaveRefused, TratoError, records
from trato.jobs import JobContext
from trato.models import utcnow
from trato.records.audit import AuditEntry
from trato.records.purge import purge_record
from trato.tasks import purge_recycle_bin
from trato.transfer import imports


@pytest.fixture
def admin(trade_app, make_user):
    return make_user(admin=True, name="Alba Admin", app=trade_app)


def make(app, entity: str, user, **values: Any) -> Any:
    with app.app_context():
        return records.create(entity, values, user=user)


def signed_deal(app, user, **values: Any) -> Any:
    return make(app, "trade_deal", user, **({"name": "Signed deal", "tags": ["signed"], "stage": "new"} | values))


def stored(app, entity: str, record_id: int) -> dict[str, Any] | None:
    """The row as stored, straight from the table."""
    table = app.extensions["trato"].entities.get(entity).table
    with app.extensions["trato"].sessionmaker() as session:
        row = session.execute(select(table).where(table.c.id == record_id)).mappings().first()
    return None if row is None else dict(row)


def history(app, entity: str, record_id: int) -> list[str]:
    with app.extensions["trato"].sessionmaker() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == entity,
                                                                    AuditEntry.record_id == record_id)
                                    .order_by(AuditEntry.id)))


def bin_it(app, entity: str, record_id: int, days: float = 0, **columns: Any) -> None:
    """Move a record to the recycle bin `days` ago; `columns` are then written straight into its row (a lock that
    arrives while it is in the bin, as a plugin's rule may)."""
    table = app.extensions["trato"].entities.get(entity).table
    with app.extensions["trato"].sessionmaker() as session:
        session.execute(update(table).where(table.c.id == record_id)
                        .values(deleted_at=utcnow() - timedelta(days=days), **columns))
        session.commit()


def test_a_locked_record_refuses_update_and_delete_in_the_service_and_only_its_unlocked_fields_change(
        trade_app, admin):
    deal = signed_deal(trade_app, admin)
    before = stored(trade_app, "trade_deal", deal.id)
    with trade_app.app_context():
        with pytest.raises(RecordLocked) as refused:
            records.update("trade_deal", deal.id, {"name": "Renamed"}, user=admin, version=deal.version)
        assert isinstance(refused.value, SaveRefused) and isinstance(refused.value, TratoError)
        assert str(refused.value) == "Deal “Signed deal” is locked (the deal is signed): only Notes may change."
        assert (refused.value.entity, refused.value.id, refused.value.reason) == ("trade_deal", deal.id,
                                                                                  "the deal is signed")
        with pytest.raises(RecordLocked, match="cannot be deleted"):
            records.delete("trade_deal", deal.id, user=admin)
        with pytest.raises(RecordLocked):  # unlocking is a change too
            records.update("trade_deal", deal.id, {"tags": []}, user=None, version=None)
        assert stored(trade_app, "trade_deal", deal.id) == before
        noted = records.update("trade_deal", deal.id, {"notes": "Paid on delivery"}, user=admin, version=deal.version)
        assert noted["notes"] == "Paid on delivery" and noted.version == deal.version + 1
        assert records.update("trade_deal", deal.id, {"name": "Signed deal"}, user=admin, version=None).version \
            == noted.version  # the same values again: no change, nothing refused
        assert records.lock_reason(records.entity("trade_deal"), noted) == "the deal is signed"
    assert history(trade_app, "trade_deal", deal.id) == ["create", "update"]


def test_the_save_that_locks_a_record_goes_through_and_the_next_one_is_refused(trade_app, admin):
    deal = make(trade_app, "trade_deal", admin, name="Draft")
    with trade_app.app_context():
        signed = records.update("trade_deal", deal.id, {"tags": ["signed"], "name": "Final"}, user=admin,
                                version=deal.version)
        with pytest.raises(RecordLocked):
            records.update("trade_deal", deal.id, {"name": "Final 2"}, user=admin, version=signed.version)
    assert stored(trade_app, "trade_deal", deal.id)["name"] == "Final"


def test_the_form_refuses_with_the_message_and_keeps_the_record(trade_app, admin, client_as):
    deal = signed_deal(trade_app, admin)
    client = client_as(admin)
    page = client.post(f"/r/trade_deal/{deal.id}/edit", data={"name": "Renamed", "stage": "new", "tags": "signed",
                                                              "version": deal.version})
    assert page.status_code == 422
    assert "is locked (the deal is signed): only Notes may change." in page.get_data(as_text=True)
    deleted = client.post(f"/r/trade_deal/{deal.id}/delete", data={"version": deal.version}, follow_redirects=True)
    assert "is locked (the deal is signed) and cannot be deleted." in deleted.get_data(as_text=True)
    row = stored(trade_app, "trade_deal", deal.id)
    assert (row["name"], row["deleted_at"], row["version"]) == ("Signed deal", None, deal.version)


def test_inline_edit_and_the_kanban_drag_are_refused(trade_app, admin, client_as):
    deal = signed_deal(trade_app, admin)
    client = client_as(admin)
    cell = client.post(f"/r/trade_deal/{deal.id}/cell/name", data={"name": "Renamed", "version": deal.version})
    assert cell.status_code == 422 and "is locked (the deal is signed)" in cell.get_data(as_text=True)
    moved = client.post("/r/trade_deal/kanban/move", data={"by": "stage", "id": deal.id, "value": "won",
                                                            "version": deal.version})
    assert moved.status_code == 422 and "is locked (the deal is signed)" in moved.get_json()["message"]
    row = stored(trade_app, "trade_deal", deal.id)
    assert (row["name"], row["stage"], row["version"]) == ("Signed deal", "new", deal.version)


def test_mass_update_and_mass_delete_change_nothing_when_one_record_is_locked(trade_app, admin, client_as):
    free = make(trade_app, "trade_deal", admin, name="Free")
    deal = signed_deal(trade_app, admin)
    client = client_as(admin)
    for form in ({"action": "update", "field": "stage", "value": "won"}, {"action": "delete"}):
        page = client.post("/r/trade_deal/mass", data={**form, "ids": [free.id, deal.id]}, follow_redirects=True)
        assert "Nothing was changed" in page.get_data(as_text=True)
        assert "is locked (the deal is signed)" in page.get_data(as_text=True)
    for record in (free, deal):
        row = stored(trade_app, "trade_deal", record.id)
        assert (row["stage"], row["deleted_at"], row["version"]) == ("new", None, 1)


def test_the_api_answers_409_problem_json_and_the_record_is_unchanged(trade_app, admin, api_client_as):
    deal = signed_deal(trade_app, admin)
    api = api_client_as(admin)
    patched = api.patch(f"trade_deal/{deal.id}", json={"name": "Renamed"}, headers={"If-Match": f'"{deal.version}"'})
    assert patched.status_code == 409 and patched.mimetype == "application/problem+json"
    body = patched.get_json()
    assert body["type"] == "urn:trato:problem:record-locked" and body["title"] == "Record locked"
    assert body["detail"] == "Deal “Signed deal” is locked (the deal is signed): only Notes may change."
    deleted = api.delete(f"trade_deal/{deal.id}")
    assert deleted.status_code == 409 and "cannot be deleted" in deleted.get_json()["detail"]
    assert stored(trade_app, "trade_deal", deal.id)["name"] == "Signed deal"
    assert api.patch(f"trade_deal/{deal.id}", json={"notes": "Paid"},
                     headers={"If-Match": f'"{deal.version}"'}).status_code == 200


def test_an_import_in_update_mode_names_the_locked_record_in_the_rows_error(trade_app, admin):
    deal = signed_deal(trade_app, admin)
    free = make(trade_app, "trade_deal", admin, name="Free")
    with trade_app.app_context():
        data = f"ID,Name\n{free.id},Free renamed\n{deal.id},Signed renamed\n".encode()
        imp = imports.run(imports.start(data, "deals.csv", "trade_deal", user=admin, mode="update").id)
        assert (imp.updated, imp.failed) == (1, 1)
        with open(imp.error_path, encoding="utf-8-sig", newline="") as f:
            errors = "\n".join(",".join(row) for row in csv.reader(f))
    assert "Signed renamed" in errors and "is locked (the deal is signed)" in errors
    assert stored(trade_app, "trade_deal", deal.id)["name"] == "Signed deal"
    assert stored(trade_app, "trade_deal", free.id)["name"] == "Free renamed"


def test_purge_by_hand_refuses_a_locked_record_and_the_retention_job_leaves_it(trade_app, admin, client_as):
    deal = make(trade_app, "trade_deal", admin, name="Binned")
    bin_it(trade_app, "trade_deal", deal.id, days=90, tags=["signed"])  # locked while in the bin
    page = client_as(admin).post(f"/recycle-bin/trade_deal/{deal.id}/purge", data={"confirm": "yes"})
    assert page.status_code == 409 and "is locked (the deal is signed) and cannot be purged." in page.get_data(
        as_text=True)
    with trade_app.app_context():
        with pytest.raises(RecordLocked):
            purge_record("trade_deal", deal.id, user=None)
        assert purge_recycle_bin(JobContext(trade_app, None)) == {}
    assert stored(trade_app, "trade_deal", deal.id) is not None


def test_kept_records_outlive_the_retention_job_but_an_admin_may_purge_them(trade_app, admin, client_as):
    kept = make(trade_app, "trade_deal", admin, name="Kept", tags=["keep"])
    old = make(trade_app, "trade_deal", admin, name="Old")
    for record in (kept, old):
        bin_it(trade_app, "trade_deal", record.id, days=90)
    with trade_app.app_context():
        assert purge_recycle_bin(JobContext(trade_app, None)) == {"trade_deal": 1}
        assert purge_recycle_bin(JobContext(trade_app, None)) == {}  # the kept one is not read over and over
    assert stored(trade_app, "trade_deal", old.id) is None and stored(trade_app, "trade_deal", kept.id) is not None
    assert client_as(admin).post(f"/recycle-bin/trade_deal/{kept.id}/purge", data={"confirm": "yes"}).status_code \
        == 303
    assert stored(trade_app, "trade_deal", kept.id) is None


def test_hook_before_delete(trade_app, admin, api_client_as, client_as):
    keeper = make(trade_app, "trade_account", admin, name="keeper")
    other = make(trade_app, "trade_account", admin, name="other")
    with trade_app.app_context():
        with pytest.raises(SaveRefused, match="This account is kept."):
            records.bulk_delete("trade_account", [other.id, keeper.id], user=admin)
    assert stored(trade_app, "trade_account", other.id)["deleted_at"] is None  # all or nothing
    refused = api_client_as(admin).delete(f"trade_account/{keeper.id}")
    assert refused.status_code == 422 and refused.get_json()["detail"] == "This account is kept."
    bin_it(trade_app, "trade_account", keeper.id, days=90)  # in the bin by another way: still never purged
    page = client_as(admin).post(f"/recycle-bin/trade_account/{keeper.id}/purge", data={"confirm": "yes"})
    assert page.status_code == 409 and "This account is kept." in page.get_data(as_text=True)
    with trade_app.app_context():
        assert purge_recycle_bin(JobContext(trade_app, None)) == {}
    assert stored(trade_app, "trade_account", keeper.id) is not None


def test_hook_record_lock(trade_app, admin, api_client_as):
    """A plugin locks another entity's records: trade's hook locks accounts named "Frozen …"."""
    frozen = make(trade_app, "trade_account", admin, name="Frozen Foods", city="Bilbao")
    api = api_client_as(admin)
    refused = api.patch(f"trade_account/{frozen.id}", json={"city": "Vigo"}, headers={"If-Match": '"1"'})
    assert refused.status_code == 409
    assert refused.get_json()["detail"] == "Account “Frozen Foods” is locked (it is frozen) and cannot be changed."
    assert api.delete(f"trade_account/{frozen.id}").status_code == 409
    row = stored(trade_app, "trade_account", frozen.id)
    assert (row["city"], row["deleted_at"], row["version"]) == ("Bilbao", None, 1)


def test_a_lock_and_a_change_racing_never_change_a_locked_record(trade_app, admin):
    """Two threads on a real database: one signs the deal, the other renames it from the version it read.
    Whichever wins, a rename never lands after the signature."""
    def write(deal: Any, start: threading.Barrier, outcome: dict[str, str], key: str, values: dict[str, Any]) -> None:
        with trade_app.app_context():
            start.wait()
            try:
                records.update("trade_deal", deal.id, values, user=admin, version=deal.version)
                outcome[key] = "saved"
            except (records.StaleRecord, RecordLocked) as exc:
                outcome[key] = type(exc).__name__
            except Exception as exc:  # noqa: BLE001 - SQLite's busy database, reported to the assertion
                outcome[key] = repr(exc)

    for _round in range(5):
        deal = make(trade_app, "trade_deal", admin, name="Race")
        start = threading.Barrier(2)
        outcome: dict[str, str] = {}
        threads = [threading.Thread(target=write, args=(deal, start, outcome, "sign", {"tags": ["signed"]})),
                   threading.Thread(target=write, args=(deal, start, outcome, "rename", {"name": "Renamed"}))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcome.values()) == ["StaleRecord", "saved"], outcome
        row = stored(trade_app, "trade_deal", deal.id)
        assert (row["tags"] == ["signed"]) != (row["name"] == "Renamed")  # exactly one of the two writes landed
