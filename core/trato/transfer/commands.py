"""`trato records import|export|imports|resume-import|undo-import`: CSV files from the command line.

Each problem is one line naming the row and column; an import exits
non-zero when no row could be imported.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from .. import db
from ..cli.common import refreshed_state
from ..errors import TratoError
from ..users import find_by_email
from . import duplicates, export, imports, undo
from .models import MODES, Import
from .reading import CHOICES, REPLACE, SKIP, WINDOWS_1252, EncodingUndecided, Undecodable, open_csv

SHOWN_ERRORS = 20


def _user(email: str | None) -> Any:
    """The user named by `--as`, or None (the system) when not given."""
    if not email:
        return None
    user = find_by_email(db.session(), email)
    if user is None:
        raise TratoError(f"no user has the email {email}")
    return user


def _pairs(items: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        left, sep, right = item.partition("=")
        if not sep or not left.strip():
            raise click.BadParameter(f"{item!r}: write COLUMN=FIELD", param_hint=option)
        pairs.append((left.strip(), right.strip()))
    return pairs


def _show_errors(imp: Import) -> None:
    if not imp.error_path:
        return
    with open(imp.error_path, encoding="utf-8-sig", newline="") as errors:
        reader = csv.reader(errors, delimiter=open_csv(imp.error_path).delimiter)
        next(reader, None)
        for index, row in enumerate(reader):
            if index == SHOWN_ERRORS:
                click.echo(f"... and more: see {imp.error_path}", err=True)
                break
            click.echo(row[-1], err=True)


def _undecided(found: Undecodable) -> str:
    """What is not UTF-8, row and column, how those cells read each way, and the --encoding to choose."""
    lines = [str(bad) for bad in found.first[:SHOWN_ERRORS]]
    lines += [f"Row {cell.row}, column “{cell.column}” reads “{cell.replaced}” with them replaced, "
              f"“{cell.windows_1252}” as Windows-1252." for cell in found.cells[:SHOWN_ERRORS]]
    if found.bad_bytes > len(found.first):
        lines.append(f"... {found.bad_bytes} bytes in {found.bad_rows} row(s) in all.")
    if found.mostly_utf8:
        lines.append(f"The file is UTF-8 except for these bytes. Choose how to read it: --encoding {REPLACE} "
                     f"(import those rows with the bytes replaced by �), --encoding {SKIP} (leave those rows out; "
                     f"they are reported as failed) or --encoding {WINDOWS_1252} (read the whole file as "
                     f"Windows-1252).")
    else:
        lines.append(f"The file is not UTF-8. If the text above reads right as Windows-1252, import it again with "
                     f"--encoding {WINDOWS_1252}.")
    return "\n".join(lines)


def _summary(imp: Import) -> str:
    what = "Dry run of import" if imp.dry_run else "Import"
    skipped = (f", {imp.skipped} skipped as duplicates of existing records"
               if imp.on_match == duplicates.SKIP else "")
    return (f"{what} {imp.id} ({imp.status}): {imp.created} created, {imp.updated} updated, {imp.failed} failed"
            f"{skipped}, {imp.rows_done} of {imp.total} rows read.")


def _finish(imp: Import) -> None:
    _show_errors(imp)
    click.echo(_summary(imp))
    if imp.error_path:
        click.echo(f"Rows that failed, with the reason: {imp.error_path}")
    if imp.total and not imp.created and not imp.updated and not imp.skipped:
        sys.exit(1)


@click.command("import", help="Import the CSV FILE into ENTITY (rows that fail are reported, the others saved).")
@click.argument("entity")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mode", type=click.Choice(MODES), default="create", show_default=True)
@click.option("--key", default=None, help="The field that finds the records to update (update and upsert).")
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD",
              help="Fill FIELD from COLUMN (FIELD empty: leave the column out). Repeat for more columns.")
@click.option("--on-match", type=click.Choice(duplicates.ON_MATCH), default=duplicates.CREATE, show_default=True,
              help="What a row to create does when it looks like an existing record (as the duplicate warning "
                   "finds them): create it anyway, skip it, or update that record.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, writing nothing.")
@click.option("--encoding", type=click.Choice(CHOICES), default=None,
              help="How to read a file that is not UTF-8 throughout: replace its bad bytes with �, skip the rows "
                   "holding them, or read the whole file as windows-1252 or latin-1. Without it such a file is "
                   "refused, naming where the bytes are.")
@click.option("--as", "as_email", default=None, metavar="EMAIL", help="Import as this user (default: the system).")
@with_appcontext
def import_command(entity: str, file: Path, mode: str, key: str | None, maps: tuple[str, ...], on_match: str,
                   dry_run: bool, encoding: str | None, as_email: str | None) -> None:
    refreshed_state()
    try:
        imp = imports.start(file, file.name, entity, user=_user(as_email), mode=mode, key=key,
                            overrides=dict(_pairs(maps, "--map")), dry_run=dry_run, encoding=encoding,
                            on_match=on_match)
    except EncodingUndecided as exc:
        raise click.ClickException(_undecided(exc.found)) from None
    _finish(imports.run_here(imp.id))


@click.command("resume-import", help="Go on with an import that stopped (its worker died) from the row it reached.")
@click.argument("import_id", type=int)
@with_appcontext
def resume_command(import_id: int) -> None:
    refreshed_state()
    _finish(imports.run_here(import_id))


@click.command("export", help="Write the records of ENTITY as CSV (UTF-8 with BOM) to standard output or a file.")
@click.argument("entity")
@click.option("--filter", "filters", multiple=True, metavar="FIELD[__OP]=VALUE",
              help="Keep records where this holds (all must hold), e.g. city=Madrid or amount__gte=100.")
@click.option("--search", default=None, help="Keep records with these words in their search fields.")
@click.option("--sort", default="id", show_default=True, help="Fields to sort by, - for descending: -amount,name.")
@click.option("--columns", default=None, help="Fields to write, comma-separated (default: all you may see).")
@click.option("--semicolon", is_flag=True, help="Separate cells with ; as Excel set up for Spain expects.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--as", "as_email", default=None, metavar="EMAIL", help="Export what this user may see.")
@with_appcontext
def export_command(entity: str, filters: tuple[str, ...], search: str | None, sort: str, columns: str | None,
                   semicolon: bool, output: Path | None, as_email: str | None) -> None:
    refreshed_state()
    options: dict[str, Any] = {"filters": _pairs(filters, "--filter") or None, "search": search, "sort": sort,
                               "columns": [c.strip() for c in columns.split(",")] if columns else None,
                               "delimiter": ";" if semicolon else ","}
    user = _user(as_email)
    if output is not None:
        path, rows = export.export_file(entity, user=user, path=output, **options)
        click.echo(f"Exported {rows} record(s) to {path}.", err=True)
        return
    stream = export.export_csv(entity, user=user, **options)
    out = click.get_binary_stream("stdout")
    for piece in stream:
        out.write(piece.encode("utf-8"))


@click.command("imports", help="The latest imports: what each created, updated and failed.")
@click.option("--entity", default=None)
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@with_appcontext
def history_command(entity: str | None, limit: int) -> None:
    refreshed_state()
    for imp in imports.history(user=None, entity=entity, limit=limit):
        when = imp.created_at.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{imp.id:>6}  {when}  {imp.entity:<24} {imp.mode:<6} {imp.status:<8} "
                   f"{imp.created:>7} created {imp.updated:>7} updated {imp.failed:>7} failed  {imp.file_name}")


@click.command("undo-import", help="Undo import ID: its new records go to the recycle bin, updated ones get "
                                   "their values back (records changed since are left alone and listed).")
@click.argument("import_id", type=int)
@click.option("--as", "as_email", default=None, metavar="EMAIL", help="Undo as this user (default: the system).")
@with_appcontext
def undo_command(import_id: int, as_email: str | None) -> None:
    refreshed_state()
    report = undo.undo(import_id, user=_user(as_email))
    for line in report.refused:
        click.echo(line, err=True)
    click.echo(f"Import {import_id} undone: {report.reverted} record(s) reverted, {len(report.refused)} left as "
               f"they are.")


COMMANDS = (import_command, resume_command, export_command, history_command, undo_command)
