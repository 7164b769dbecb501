"""`trato db ...`: migrations of the core and the enabled plugins."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import migrate
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
    click.echo(f"Applied {len(steps)} revision(s)." if steps else "The database is up to date.")


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


def register(cli: click.Group) -> None:
    cli.add_command(db_group)
