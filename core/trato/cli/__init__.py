"""The `trato` command line, on Flask's own CLI machinery.

Every command either succeeds or prints one line naming the problem and what
to do, with a non-zero exit; a traceback means a bug in Trato.
"""
from __future__ import annotations

import sys
from typing import Any

import click
import psycopg
from flask.cli import FlaskGroup
from sqlalchemy.exc import OperationalError

from ..db import BUSY_TIMEOUT
from ..errors import TratoError
from ..faults import BUSY, DISK_FULL, classify


def _app_factory() -> Any:
    from ..app import create_app

    return create_app()


class TratoGroup(FlaskGroup):
    """Turns the errors a user can act on into one clear line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TratoError as exc:
            raise click.ClickException(str(exc)) from None
        except (OperationalError, psycopg.OperationalError) as exc:
            raise click.ClickException(_database_trouble(exc)) from None


def _database_trouble(exc: BaseException) -> str:
    """One line on why the database refused: busy, out of room, or not there (the only case where the URL or
    the server is worth checking)."""
    cause = getattr(exc, "orig", None) or exc
    detail = str(cause).strip().splitlines()[0]
    fault = classify(exc)
    if fault is BUSY:
        return (f"the database is busy ({detail}): another process held its lock for longer than "
                f"{BUSY_TIMEOUT} s; run the command again")
    if fault is DISK_FULL:
        return f"the disk is full ({detail}): make room and run the command again"
    return f"cannot use the database ({detail}); check TRATO_DATABASE_URL and that the server is running"


def _no_traceback(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
    """Last resort for errors raised while Flask loads the app (outside invoke)."""
    if isinstance(exc, TratoError):
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    sys.__excepthook__(exc_type, exc, tb)


cli = TratoGroup(
    name="trato",
    create_app=_app_factory,
    add_default_commands=False,
    load_dotenv=False,
    set_debug_flag=False,
    help="Trato, the self-hosted CRM server. Settings come from TRATO_* variables and instance/trato.toml.",
)


def main() -> None:
    from . import archive
    from . import db as db_cmds
    from . import entities, i18n, misc, plugins, rates, records, scaffold, upgrade, users
    from ..mailin import pipe as mail_in

    sys.excepthook = _no_traceback
    for module in (db_cmds, archive, upgrade, plugins, users, entities, records, rates, i18n, misc, scaffold,
                   mail_in):
        module.register(cli)
    cli.main(prog_name="trato")
