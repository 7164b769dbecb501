"""`trato rates import FILE`: exchange rates from a CSV file, all of it or nothing."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import currencies, db
from ..currencies import RateFileError


@click.group("rates", help="Exchange rates by date.")
def rates_group() -> None:
    pass


@rates_group.command("import", help="Import the exchange rates in FILE, a CSV file with the columns date, from, to, "
                                    "rate and optionally source (date as YYYY-MM-DD; one unit of `from` buys `rate` "
                                    "of `to`). A rate of the same currencies and day is replaced; a file with any "
                                    "error changes nothing and each error names its row and column.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_rates(file: Path) -> None:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file} is not UTF-8 text; save it as UTF-8 CSV") from None
    session = db.session()
    try:
        count = currencies.save_rates(session, currencies.read_rates_csv(text, source=file.name[:64]))
    except RateFileError as exc:
        session.rollback()
        raise click.ClickException("nothing was imported:\n" + "\n".join(map(str, exc.problems))) from None
    session.commit()
    click.echo(f"Imported {count} exchange rates.")


def register(cli: click.Group) -> None:
    cli.add_command(rates_group)
