"""Plugins' command-line commands: `trato <plugin> <command>`.

Every loaded plugin's `cli_commands` are mounted once per process, enabled or
not, like its blueprints (see adopt.py); the group refuses to run them while
the plugin is disabled, reading the enabled set from the database first so
that an enable done by another process counts.
"""
from __future__ import annotations

from collections.abc import Iterable

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .host import PluginHost


def _require_enabled(name: str) -> None:
    state = current_app.extensions["trato"]
    if not state.refresh():
        raise click.ClickException("the database is not set up yet; run `trato init` first")
    if not state.plugins.is_enabled(name):
        raise click.ClickException(f"plugin {name} is not enabled; trato plugins enable {name}")


def command_group(name: str, help_text: str, commands: list[click.Command]) -> click.Group:
    """A group named after the plugin whose callback checks that it is enabled."""

    @click.group(name, cls=AppGroup, help=help_text)
    @with_appcontext
    def group() -> None:
        _require_enabled(name)

    for command in commands:
        group.add_command(command)
    return group


def register_commands(app: Flask, host: PluginHost, names: Iterable[str]) -> None:
    """Add a group to `app.cli` for each of the plugins `names` that implements `cli_commands`."""
    wanted = set(names)
    for impl in host.all_hooks.cli_commands.get_hookimpls():
        if impl.plugin_name not in wanted:
            continue
        commands = impl.function() or []
        if commands:
            record = host.records[impl.plugin_name]
            app.cli.add_command(command_group(impl.plugin_name, str(record.label), commands))
