"""A database a newer plugin version migrated, run with an older package: `trato db pending`, `trato check` and
`trato plugins purge` say so in one line, and purge never reports deleting what it did not."""
from __future__ import annotations

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import inspect, text
from trato.cli import cli, db, misc, plugins
from trato.hooks import switch
from trato_trade import plugin as trade_plugin

for module in (db, misc, plugins):  # as `trato` does on start
    module.register(cli)


def run(app, *args: str):
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def one_clear_line(result) -> str:
    """A user error: a non-zero exit with `Error: ...`, not an exception escaping the command."""
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    return result.output


def at_revision_the_package_lacks(app) -> None:
    with app.extensions["trato"].engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 't009' WHERE version_num LIKE 't0%'"))  # trade's


def test_pending_and_check_name_the_revision_no_package_provides(make_app):
    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})
    at_revision_the_package_lacks(app)
    said = one_clear_line(run(app, "db", "pending"))
    assert "t009" in said and "no installed package provides" in said, said
    checked = one_clear_line(run(app, "check"))
    assert "migrations        UNKNOWN: the database is at revision t009, which no installed package provides" in checked
    assert "job queue" in checked and "1 problem(s) found" in checked  # the other checks still ran


def test_purge_at_an_unknown_revision_refuses_and_deletes_nothing(make_app):
    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})
    with app.app_context():
        switch.disable(app, "trade")
    at_revision_the_package_lacks(app)
    said = one_clear_line(run(app, "plugins", "purge", "trade", "--yes"))
    assert "t009" in said and "Deleted" not in said
    assert inspect(app.extensions["trato"].engine).has_table("trade_deal")


def test_purge_of_a_plugin_with_nothing_here_says_nothing_was_deleted(make_app):
    app = make_app(plugins=[], extra_plugins={"trade": trade_plugin})  # installed, never enabled
    said = run(app, "plugins", "purge", "trade", "--yes")
    assert said.exit_code == 0 and said.output.strip() == ("Nothing deleted: trade has no tables or data "
                                                           "in this database.")


def test_purge_leaves_no_table_of_the_plugin_search_indexes_included(make_app, make_record):
    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})
    make_record("trade_account", name="Acme", city="Bilbao")
    with app.app_context():
        switch.disable(app, "trade")
    assert run(app, "plugins", "purge", "trade", "--yes").output.strip() == "Deleted the data of trade."
    engine = app.extensions["trato"].engine
    left = [name for name in inspect(engine).get_table_names() if name.startswith("trade_")]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            left += list(conn.scalars(text("SELECT name FROM sqlite_master WHERE name LIKE 'trade\\_%' ESCAPE '\\'")))
    assert left == []
