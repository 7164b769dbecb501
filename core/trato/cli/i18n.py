"""`trato i18n extract|update|compile|check`: the translator's round trip.

Without `--plugin-dir` the commands work on the core's catalogue (from a
checkout); with it, on that plugin's own `<package>/translations/`. None of
them needs a database.
"""
from __future__ import annotations

from pathlib import Path

import click

from .. import catalogues
from ..catalogues import Project

plugin_dir_option = click.option(
    "--plugin-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
    help="A plugin's folder; default: the core.",
)


def _project(plugin_dir: Path | None) -> Project:
    return catalogues.plugin_project(plugin_dir) if plugin_dir else catalogues.core_project()


@click.group("i18n", help="Extract, update, compile and check translation catalogues.")
def i18n_group() -> None:
    pass


@i18n_group.command("extract", help="Collect the translatable strings into messages.pot.")
@plugin_dir_option
def extract(plugin_dir: Path | None) -> None:
    path = catalogues.write_template(_project(plugin_dir))
    click.echo(f"Wrote {path}")


@i18n_group.command("update", help="Merge messages.pot into each language's messages.po.")
@plugin_dir_option
def update(plugin_dir: Path | None) -> None:
    for path in catalogues.update(_project(plugin_dir)):
        click.echo(f"Updated {path}")


@i18n_group.command("compile", help="Compile each messages.po into the messages.mo the server reads.")
@plugin_dir_option
def compile_(plugin_dir: Path | None) -> None:
    for path in catalogues.compile_all(_project(plugin_dir)):
        click.echo(f"Compiled {path}")


@i18n_group.command("check", help="List untranslated or fuzzy strings and stale .mo files; exit 1 if any.")
@plugin_dir_option
def check(plugin_dir: Path | None) -> None:
    project = _project(plugin_dir)
    found = list(catalogues.problems(project))
    for line in found:
        click.echo(line)
    if found:
        raise click.ClickException(f"{len(found)} problem(s) in the catalogues of {project.name}")
    click.echo(f"The catalogues of {project.name} are complete and compiled.")


def register(cli: click.Group) -> None:
    cli.add_command(i18n_group)
