"""Alembic: the core branch and plugin branches in one version table."""
from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from trato import migrate
from trato.hooks import switch


def heads(app) -> set[str]:
    with app.extensions["trato"].engine.connect() as conn:
        return migrate.current(conn)


def core_revisions(app) -> list[str]:
    script = ScriptDirectory.from_config(migrate.config_for(app.extensions["trato"].plugins.records))
    return [r.revision for r in script.iterate_revisions("core@head", "base")]


def test_fresh_database_is_at_the_core_head(app):
    assert heads(app) == {core_revisions(app)[0]}
    with app.extensions["trato"].engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
    assert {"core_user", "core_plugin", "core_counter", "core_job", "alembic_version"} <= names


def test_plugin_branch_sits_beside_the_core(greet_app):
    """g001 depends on a core revision, so Alembic may record it alone while core stays applied."""
    state = greet_app.extensions["trato"]
    assert "g001" in heads(greet_app)
    with state.engine.connect() as conn:
        assert migrate.pending(conn, state.plugins.records, ["greet"]) == []


def test_pending_lists_what_upgrade_would_run(make_app, samples):
    app = make_app(extra_plugins=samples)
    state = app.extensions["trato"]
    with state.engine.connect() as conn:
        steps = migrate.pending(conn, state.plugins.records, ["greet"])
    assert [(s.revision, s.branch) for s in steps] == [("g001", "greet")]
    switch.enable(app, "greet")
    with state.engine.connect() as conn:
        assert migrate.pending(conn, state.plugins.records, ["greet"]) == []


def test_upgrade_from_the_previous_core_revision(app):
    """A database one core revision behind (or empty) is brought to head."""
    state = app.extensions["trato"]
    revisions = core_revisions(app)
    previous = revisions[1] if len(revisions) > 1 else "base"
    with state.engine.begin() as conn:
        migrate.downgrade(conn, state.plugins.records, previous if previous == "base" else previous)
    with state.engine.connect() as conn:
        assert migrate.pending(conn, state.plugins.records, [])[0].revision == revisions[0]
    with state.engine.begin() as conn:
        migrate.upgrade(conn, state.plugins.records, [])
    assert heads(app) == {revisions[0]}


def test_history_names_each_branch(greet_app):
    steps = migrate.history(greet_app.extensions["trato"].plugins.records)
    branches = {s.revision: s.branch for s in steps}
    assert branches["c001"] == "core" and branches["g001"] == "greet"


def test_autogenerate_ignores_runtime_tables_and_columns():
    assert migrate.include_object(None, "x_vehicle", "table", True, None) is False
    assert migrate.include_object(None, "cf_colour", "column", True, None) is False
    assert migrate.include_object(None, "sales_deal", "table", True, None) is True
