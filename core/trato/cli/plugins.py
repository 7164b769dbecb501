"""`trato plugins ...`: list, enable, disable and purge plugins."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..hooks import switch
from ..hooks.adopt import rescan
from .common import app, refreshed_state


@click.group("plugins", help="List, enable, disable and purge plugins.")
def plugins_group() -> None:
    pass


@plugins_group.command("list", help="Every installed plugin with its status; broken ones with the reason.")
@with_appcontext
def list_plugins() -> None:
    st = refreshed_state()
    rescan(app())
    records = sorted(st.plugins.records.values(), key=lambda r: r.name)
    if not records:
        click.echo("No plugin is installed (pip install trato-<area> to add one).")
    for r in records:
        status = "broken" if not r.ok else ("enabled" if st.plugins.is_enabled(r.name) else "disabled")
        needs = f"  requires {', '.join(r.requires)}" if r.requires else ""
        click.echo(f"{r.name:<16} {r.version:<10} {status:<9} {r.distribution}{needs}")
        if r.error:
            click.echo(f"{'':<16} reason: {r.error}")


@plugins_group.command("enable", help="Enable NAME (and what it requires), running its migrations.")
@click.argument("name")
@with_appcontext
def enable(name: str) -> None:
    refreshed_state()
    new = switch.enable(app(), name)
    if not new:
        click.echo(f"{name} is already enabled.")
    for n in new:
        click.echo(f"Enabled {n}." + ("" if n == name else f" (required by {name})"))


@plugins_group.command("disable", help="Disable NAME in every process; its data is kept.")
@click.argument("name")
@with_appcontext
def disable(name: str) -> None:
    refreshed_state()
    switch.disable(app(), name)
    click.echo(f"Disabled {name}. Its data is kept; `trato plugins purge {name}` deletes it.")


@plugins_group.command("purge", help="Delete a disabled plugin's tables and data for good.")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def purge(name: str, yes: bool) -> None:
    refreshed_state()
    if not yes:
        click.confirm(f"This deletes every table and record of {name} for good. Go on?", abort=True)
    if switch.purge(app(), name):
        click.echo(f"Deleted the data of {name}.")
    else:
        click.echo(f"Nothing deleted: {name} has no tables or data in this database.")


def register(cli: click.Group) -> None:
    cli.add_command(plugins_group)
