"""SQLite's planner statistics: gathered at setup when missing, and again each night."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from trato import planner_stats, records
from trato.jobs import JobContext
from trato.tasks import refresh_planner_stats


def analysed_tables(app) -> set[str]:
    with app.extensions["trato"].engine.connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT tbl FROM sqlite_stat1"))}


def test_sqlite_has_statistics_from_setup_and_the_nightly_task_gathers_them_again(trade_app):
    engine = trade_app.extensions["trato"].engine
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:  # PostgreSQL's autovacuum keeps its own: nothing to do
            assert not planner_stats.refresh(conn) and not planner_stats.ensure(conn)
        return
    assert "core_role" in analysed_tables(trade_app)  # the test app's setup gathered them, as `trato init` does
    with trade_app.test_request_context():
        records.bulk_create("trade_account", [{"name": f"Account {n}"} for n in range(3)], user=None)
    with engine.begin() as conn:
        assert not planner_stats.ensure(conn)  # there are statistics: ensure leaves them to the nightly task
    assert "trade_account" not in analysed_tables(trade_app)  # (it was empty when they were gathered)
    assert refresh_planner_stats(JobContext(trade_app, None)) is True
    assert "trade_account" in analysed_tables(trade_app)


def test_an_index_whose_column_holds_one_value_gets_no_statistics(trade_app):
    """They would say a lookup returns the whole table, and the planner would scan it for a related list."""
    if trade_app.extensions["trato"].engine.dialect.name != "sqlite":
        return
    with trade_app.test_request_context():
        records.bulk_create("trade_account", [{"name": f"Account {n}", "city": "Lugo" if n % 2 else "Vigo"}
                                              for n in range(2000)], user=None)  # parent_id empty in all of them
    refresh_planner_stats(JobContext(trade_app, None))
    with trade_app.extensions["trato"].engine.connect() as conn:
        analysed = {row[0] for row in conn.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'trade_account'"))}
        plan = conn.execute(text("EXPLAIN QUERY PLAN SELECT id FROM trade_account WHERE parent_id = 5 "
                                 "ORDER BY name, id LIMIT 101")).all()
    assert {"ix_trade_account_city", "ix_trade_account_parent_id"} & analysed == {"ix_trade_account_city"}
    assert "ix_trade_account_parent_id" in str(plan)


def test_the_statistics_task_runs_each_night(trade_app):
    huey = trade_app.extensions["trato"].huey
    assert "core.refresh_planner_stats" in {t.name for t in huey.read_periodic(datetime(2026, 5, 4, 3, 57))}
    assert "core.refresh_planner_stats" not in {t.name for t in huey.read_periodic(datetime(2026, 5, 4, 12, 57))}
