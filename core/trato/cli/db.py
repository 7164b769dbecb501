"""`trato db ...`: migrations of the core and the enabled plugins."""
from __future__ import annotations

from argparse import Namespace
from pathlib import Path
from typing import Any

import click
from alembic import command
from alembic.script import Script
from sqlalchemy.engine import Connection
from flask.cli import with_appcontext

from .. import autogen, migrate, search
from ..backup import backup_database
from ..jobs import prepare_queue
from ..errors import TratoError
from ..hooks.discovery import PluginRecord
from .common import refreshed_state, state


@click.group("db", help="Create and migrate the database.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Upgrade the core and every enabled plugin to their newest revision.")
@with_appcontext
def upgrade() -> None:
    st = state()
    initialised = migrate.is_initialised(st.engine)
    if initialised:
        st.refresh()
    with st.engine.begin() as conn:
        steps = migrate.pending(conn, st.plugins.records, st.plugins.enabled_in_order())
        migrate.upgrade(conn, st.plugins.records, st.plugins.enabled_in_order())
    prepare_queue(st.huey)
    search.sync_all(st)
    click.echo(f"Applied {len(steps)} revision(s)." if steps else "The database is up to date.")


@db_group.command("backup", help="Copy the database into FILE while Trato runs (SQLite's online backup, or pg_dump).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(file: Path) -> None:
    url = state().settings.database_url
    copied = backup_database(url, file.resolve())
    click.echo(f"Backed up the database into {copied} ({copied.stat().st_size:,} bytes).")


@db_group.command("downgrade", help="Downgrade to TARGET (a revision, 'core@-1', 'PLUGIN@base', ...).")
@click.argument("target")
@with_appcontext
def downgrade(target: str) -> None:
    st = state()
    with st.engine.begin() as conn:
        migrate.downgrade(conn, st.plugins.records, target)
    click.echo(f"Downgraded to {target}.")


@db_group.command("current", help="Show the revisions the database is at.")
@with_appcontext
def current() -> None:
    with state().engine.connect() as conn:
        heads = sorted(migrate.current(conn)) if migrate.is_initialised(state().engine) else []
    click.echo("\n".join(heads) if heads else "The database has no Trato revision yet; run `trato init`.")


@db_group.command("history", help="List every known revision, newest first.")
@with_appcontext
def history() -> None:
    for step in migrate.history(state().plugins.records):
        click.echo(f"{step.revision:<14} {step.branch:<12} {step.message}")


@db_group.command("pending", help="List what `trato db upgrade` would run.")
@with_appcontext
def pending() -> None:
    st = refreshed_state()
    with st.engine.connect() as conn:
        steps = migrate.pending(conn, st.plugins.records, st.plugins.enabled_in_order())
    if not steps:
        click.echo("Nothing to run: the database is up to date.")
    for step in steps:
        click.echo(f"{step.revision:<14} {step.branch:<12} {step.message}")


@db_group.command("revision", help="Add a revision to a plugin's branch: empty, or with --autogenerate what its "
                                      "models changed.")
@click.option("--plugin", "name", required=True, help="The plugin whose migrations/ gets the revision.")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--depends-on", multiple=True, metavar="REVISION",
              help="A revision of another branch this one needs, such as sales@head (repeatable).")
@click.option("--autogenerate", is_flag=True,
              help="Compare the plugin's models with the database (at every head) and write the operations.")
@with_appcontext
def revision(name: str, message: str, depends_on: tuple[str, ...], autogenerate: bool) -> None:
    """Chain onto `NAME@head`, or start the branch when the plugin has none yet.

    A new branch is labelled with the plugin's name and depends on the core's
    newest revision, as `trato plugin new` does for the first migration.
    Alembic writes `--depends-on` targets such as `sales@head` as revision ids.
    """
    st = state()
    records = st.plugins.records
    record = records.get(name)
    if record is None or record.plugin is None or not record.ok:
        raise TratoError(f"no working plugin called {name!r} is installed; see `trato plugins list`")
    folder = record.plugin.package_path() / "migrations"
    needs = list(depends_on)
    if migrate.has_branch(records, name):
        where: dict[str, Any] = {"head": f"{name}@head"}
    else:
        folder.mkdir(exist_ok=True)
        where = {"head": "base", "branch_label": name}
        needs.insert(0, migrate.core_head())
    if not autogenerate:
        cfg = migrate.config_for(records)
        cfg.cmd_opts = Namespace(quiet=True)  # the line below says where the file went
        script = command.revision(cfg, message=message, version_path=str(folder), depends_on=needs or None, **where)
        assert isinstance(script, Script)
        click.echo(f"Wrote {script.path}; fill in upgrade() and downgrade(), then run `trato db upgrade`.")
        return
    with st.engine.connect() as conn:
        script = _autogenerate(conn, records, name, st.plugins.enabled_in_order(),
                               message=message, version_path=str(folder), depends_on=needs or None, **where)
    if script is None:
        click.echo(f"Nothing to write: the tables of plugin {name} match its models.")
        return
    click.echo(f"Wrote {script.path}; review it (names, types, data to move), then run `trato db upgrade`.")


def _autogenerate(conn: Connection, records: dict[str, PluginRecord], name: str, enabled: list[str],
                  **revision: Any) -> Script | None:
    """Write what plugin `name`'s models changed into a new revision, or None when nothing did.

    Alembic compares only with a database at every head of the version path, so
    the path holds the core, the enabled plugins, the plugins the database holds
    (a disabled one keeps its tables) and this one; the database must be at all
    of their heads.
    """
    migrate.refuse_unknown(conn, records)
    targets = list(dict.fromkeys([*enabled, *_in_database(conn, records), name]))
    used = {n: r for n, r in records.items() if n in targets}
    steps = migrate.pending(conn, used, [t for t in targets if migrate.has_branch(records, t)])
    if steps:
        behind = steps[0].branch
        fix = "run `trato db upgrade`" if behind in (migrate.CORE, *enabled) else \
            f"enable plugin {behind} (`trato plugins enable {behind}`), which runs them"
        raise TratoError(f"the database is not at every head ({len(steps)} revision(s) to run, the first "
                         f"{steps[0].revision} of {behind}): {fix}, then generate the revision again")
    cfg = migrate.config_for(used, conn)
    cfg.cmd_opts = Namespace(quiet=True)
    cfg.attributes[autogen.PLUGIN] = name
    cfg.attributes[autogen.OTHERS] = list(records)
    script = command.revision(cfg, autogenerate=True, **revision)
    if cfg.attributes.get(autogen.EMPTY):
        return None
    assert isinstance(script, Script)
    return script


def _in_database(conn: Connection, records: dict[str, PluginRecord]) -> list[str]:
    """The plugins whose branch the database is at some revision of, enabled or not."""
    at = migrate.current(conn)
    script = migrate.script_of(records)
    return [n for n in records if migrate.has_branch(records, n)
            and any(n in r.branch_labels and r.revision in at for r in script.iterate_revisions(f"{n}@head", "base"))]


def register(cli: click.Group) -> None:
    cli.add_command(db_group)
