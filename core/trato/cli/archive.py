"""`trato backup` and `trato restore`: the whole instance in one checked archive (trato.archive)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..archive import create_archive, restore_archive, source_of
from .common import state


@click.command("backup", help="Write the database, the uploaded files and the instance settings into ARCHIVE "
                              "(a new .tar.gz), with a manifest of versions and checksums.")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(archive: Path) -> None:
    target = archive.resolve()
    manifest = create_archive(source_of(state()), target)
    click.echo(f"Backed up {len(manifest['files'])} file(s) into {target} ({target.stat().st_size:,} bytes).")


@click.command("restore", help="Restore ARCHIVE (from `trato backup`) into this instance's empty database and "
                               "uploads folder; the archive is checked whole before anything changes.")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database or uploads folder that already holds data.")
@with_appcontext
def restore(archive: Path, force: bool) -> None:
    st = state()
    manifest = restore_archive(archive.resolve(), st.settings, st.engine, force=force)
    click.echo(f"Restored the backup of {manifest['created_at']} (trato {manifest['core_version']}); "
               "run `trato upgrade` if this trato is newer, then start the server.")


def register(cli: click.Group) -> None:
    cli.add_command(backup)
    cli.add_command(restore)
