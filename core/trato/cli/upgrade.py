"""`trato upgrade [--check]`: migrations that leave the database whole or as it was (trato.upgrade)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import search
from ..app import CORE_VERSION
from ..archive import source_of
from ..jobs import prepare_queue
from ..upgrade import UpgradeError, preflight, run_upgrade
from .common import state


@click.command("upgrade", help="Back up, then run every pending core and plugin migration; a failure leaves "
                               "the database as it was. --check only reports what would happen.")
@click.option("--check", is_flag=True, help="List pending migrations and problems; change nothing.")
@with_appcontext
def upgrade(check: bool) -> None:
    st = state()
    if check:
        report = preflight(st, CORE_VERSION)
        for step in report.steps:
            click.echo(f"{step.revision:<14} {step.branch:<12} {step.message}")
        click.echo(f"{len(report.steps)} pending migration(s). The backup needs up to {report.needed_bytes:,} "
                   f"bytes; {report.backup_folder} has {report.free_bytes:,} free.")
        if report.problems:
            raise UpgradeError("the upgrade would be refused: " + "; ".join(report.problems))
        return
    outcome = run_upgrade(st, source_of(st))
    if not outcome.steps:
        click.echo("Nothing to run: the database is up to date.")
        return
    prepare_queue(st.huey)
    search.sync_all(st)
    click.echo(f"Applied {len(outcome.steps)} migration(s); the backup taken before is {outcome.backup}.")


def register(cli: click.Group) -> None:
    cli.add_command(upgrade)
