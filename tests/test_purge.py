"""The purge: the periodic task and `trato records purge` remove what has been in the bin past the retention period."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from trato import records
from trato.cli.records import records_group
from trato.jobs import JobContext
from trato.models import utcnow
from trato.records.audit import AuditEntry
from trato.tasks import purge_recycle_bin


def make(app, entity: str, **values: Any) -> Any:
    with app.app_context():
        return records.create(entity, values, user=None)


def deleted_days_ago(app, entity: str, record_id: int, days: float) -> None:
    """Delete the record through the service, then move its deletion back in time."""
    with app.app_context():
        records.delete(entity, record_id, user=None)
    table = app.extensions["trato"].entities.get(entity).table
    with app.extensions["trato"].sessionmaker() as session:
        session.execute(update(table).where(table.c.id == record_id)
                        .values(deleted_at=utcnow() - timedelta(days=days)))
        session.commit()


def row(app, entity: str, record_id: int) -> Any:
    table = app.extensions["trato"].entities.get(entity).table
    with app.extensions["trato"].sessionmaker() as session:
        return session.execute(select(table).where(table.c.id == record_id)).mappings().first()


def history(app, entity: str, record_id: int) -> list[tuple[str, Any]]:
    with app.extensions["trato"].sessionmaker() as session:
        return [(a.action, a.changes) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.id))]


def run_task(app) -> dict[str, int]:
    with app.app_context():
        return purge_recycle_bin(JobContext(app, None))


def test_the_task_removes_what_was_deleted_more_than_30_days_ago_and_audits_it(trade_app):
    old = make(trade_app, "trade_account", name="Old")
    recent = make(trade_app, "trade_account", name="Recent")
    live = make(trade_app, "trade_account", name="Live")
    old_deal = make(trade_app, "trade_deal", name="Old deal")
    deleted_days_ago(trade_app, "trade_account", old.id, 31)
    deleted_days_ago(trade_app, "trade_account", recent.id, 29)
    deleted_days_ago(trade_app, "trade_deal", old_deal.id, 45)

    assert run_task(trade_app) == {"trade_account": 1, "trade_deal": 1}
    assert row(trade_app, "trade_account", old.id) is None and row(trade_app, "trade_deal", old_deal.id) is None
    assert row(trade_app, "trade_account", recent.id)["deleted_at"] is not None
    assert row(trade_app, "trade_account", live.id)["deleted_at"] is None
    assert [action for action, _ in history(trade_app, "trade_account", old.id)] == ["create", "delete", "purge"]
    assert history(trade_app, "trade_account", recent.id)[-1][0] == "delete"
    assert run_task(trade_app) == {}  # nothing left to do


def test_the_retention_period_is_a_setting(make_app):
    from trato_trade import plugin

    app = make_app(plugins=["trade"], extra_plugins={"trade": plugin}, recycle_retention_days=7)
    week_old = make(app, "trade_account", name="Eight days")
    fresh = make(app, "trade_account", name="Six days")
    deleted_days_ago(app, "trade_account", week_old.id, 8)
    deleted_days_ago(app, "trade_account", fresh.id, 6)
    run_task(app)
    assert row(app, "trade_account", week_old.id) is None
    assert row(app, "trade_account", fresh.id) is not None


def test_fields_pointing_to_a_purged_record_are_emptied_with_an_audit_entry(trade_app):
    account = make(trade_app, "trade_account", name="Gone")
    deal = make(trade_app, "trade_deal", name="Live deal", account_id=account.id)
    child = make(trade_app, "trade_account", name="Child", parent_id=account.id)
    deleted_days_ago(trade_app, "trade_account", account.id, 40)
    run_task(trade_app)
    assert row(trade_app, "trade_account", account.id) is None
    after = row(trade_app, "trade_deal", deal.id)
    assert after["account_id"] is None and after["version"] == deal.version + 1
    assert history(trade_app, "trade_deal", deal.id)[-1] == ("update", {"account_id": [account.id, None]})
    assert row(trade_app, "trade_account", child.id)["parent_id"] is None
    assert history(trade_app, "trade_account", child.id)[-1] == ("update", {"parent_id": [account.id, None]})


def test_a_record_and_the_binned_record_that_points_to_it_go_together(trade_app):
    parent = make(trade_app, "trade_account", name="Parent")
    child = make(trade_app, "trade_account", name="Child", parent_id=parent.id)
    deleted_days_ago(trade_app, "trade_account", child.id, 35)
    deleted_days_ago(trade_app, "trade_account", parent.id, 35)
    assert run_task(trade_app) == {"trade_account": 2}
    assert [a for a, _ in history(trade_app, "trade_account", child.id)] == ["create", "delete", "purge"]


def test_the_task_runs_each_night_in_the_worker(trade_app):
    huey = trade_app.extensions["trato"].huey
    assert "core.purge_recycle_bin" in {t.name for t in huey.read_periodic(datetime(2026, 5, 4, 3, 37))}
    assert "core.purge_recycle_bin" not in {t.name for t in huey.read_periodic(datetime(2026, 5, 4, 15, 37))}


def test_the_command_purges_with_its_own_age(trade_app):
    week_old = make(trade_app, "trade_account", name="Week old")
    today = make(trade_app, "trade_account", name="Today")
    deleted_days_ago(trade_app, "trade_account", week_old.id, 7.5)
    deleted_days_ago(trade_app, "trade_account", today.id, 0.5)
    runner = trade_app.test_cli_runner()
    default = runner.invoke(records_group, ["purge"])
    assert default.exit_code == 0 and "Purged 0 record(s)." in default.output
    week = runner.invoke(records_group, ["purge", "--older-than", "7"])
    assert week.exit_code == 0 and "trade_account: 1 purged" in week.output
    assert row(trade_app, "trade_account", week_old.id) is None and row(trade_app, "trade_account", today.id)
    assert "Purged 1 record(s)." in runner.invoke(records_group, ["purge", "--older-than", "0"]).output
    bad = runner.invoke(records_group, ["purge", "--older-than", "-3"])
    assert bad.exit_code == 2 and "--older-than" in bad.output
