"""`trato records purge`: empty the recycle bin now, as the periodic task does each night."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..records.purge import purge_expired
from .common import refreshed_state


@click.group("records", help="Work on the records of every entity.")
def records_group() -> None:
    pass


@records_group.command("purge", help="Remove the records deleted more than DAYS ago (by default the "
                                     "recycle_retention_days setting) from the recycle bin, for good.")
@click.option("--older-than", "days", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="Purge what was deleted more than DAYS days ago; 0 empties the recycle bin.")
@with_appcontext
def purge(days: int | None) -> None:
    state = refreshed_state()
    removed = purge_expired(state.settings.recycle_retention_days if days is None else days)
    for entity, count in sorted(removed.items()):
        click.echo(f"{entity}: {count} purged")
    click.echo(f"Purged {sum(removed.values())} record(s).")


def register(cli: click.Group) -> None:
    from ..transfer.commands import COMMANDS  # import, export, imports, resume-import, undo-import

    for command in COMMANDS:
        records_group.add_command(command)
    cli.add_command(records_group)
