"""`trato plugin new NAME`: a complete, installable plugin package to start from.

The files come from `trato/scaffold/plugin/`, which ships inside the package:
each `*.tmpl` file is a `string.Template`, and `NAME` or `REVISION` in its
path becomes the plugin's name or the first migration's id. Two values are
read from the running core, so that the new plugin fits it: the supported
core range and the core revision the plugin's first migration builds on.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path
from string import Template

import click
from alembic.util import rev_id
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from packaging.version import Version

from .. import migrate
from ..app import CORE_VERSION
from ..errors import TratoError
from ..hooks.discovery import GROUP
from ..hooks.plugin import NAME_RE, RESERVED
from ..resources import package_dir

TEMPLATES = package_dir() / "scaffold" / "plugin"
# Labels are pasted into Python, TOML, .po and Jinja string literals, so no quotes or backslashes.
LABEL_RE = re.compile(r"^\w[\w .,'&()-]{0,59}$")
CATALOGUE = "translations/es/LC_MESSAGES/messages"


def core_range(version: str) -> str:
    """This core's version up to the next release that may break plugins.

    Before 1.0 a minor release may break them (0.1 to 0.2), from 1.0 on a major one.
    """
    v = Version(version)
    upper = f"0.{v.minor + 1}" if v.major == 0 else str(v.major + 1)
    return f">={v.major}.{v.minor},<{upper}"


def check_name(name: str) -> None:
    """Refuse a name Trato would not load, with the same rules as plugin discovery."""
    if not NAME_RE.match(name):
        raise TratoError(f"{name!r} is not a valid plugin name: use 2 to 31 lower-case letters, "
                         "digits or _, starting with a letter")
    if name in RESERVED:
        raise TratoError(f"{name!r} is reserved by Trato; choose another plugin name")
    installed = {ep.name: ep.dist.name if ep.dist else "?" for ep in entry_points(group=GROUP)}
    if name in installed:
        raise TratoError(f"a plugin called {name!r} is already installed (from {installed[name]}); "
                         "choose another name")


def check_label(label: str) -> None:
    if not LABEL_RE.match(label):
        raise TratoError(f"{label!r} is not a usable label: up to 60 letters, digits, spaces and .,'&()-")


def distribution_name(name: str) -> str:
    return "trato-" + name.replace("_", "-")


def _render_tree(target: Path, values: dict[str, str]) -> None:
    for source in sorted(TEMPLATES.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATES).as_posix().removesuffix(".tmpl")
        relative = relative.replace("NAME", values["name"]).replace("REVISION", values["revision"])
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(source.read_text(encoding="utf-8")).substitute(values), encoding="utf-8")


def _compile_catalogue(package: Path) -> None:
    """Write the .mo beside the .po, so the package speaks Spanish before anyone runs pybabel."""
    with open(package / f"{CATALOGUE}.po", "rb") as po:
        catalogue = read_po(po)
    with open(package / f"{CATALOGUE}.mo", "wb") as mo:
        write_mo(mo, catalogue)


def create_plugin(name: str, directory: Path, label: str | None = None, label_es: str | None = None) -> Path:
    """Write the package `trato-NAME/` into `directory` and return its path.

    It is built in a hidden folder beside the target and renamed at the end,
    so a failure leaves nothing half-written behind.
    """
    check_name(name)
    label = label or name.replace("_", " ").capitalize()
    label_es = label_es or label
    check_label(label)
    check_label(label_es)
    dist = distribution_name(name)
    target = directory / dist
    if target.exists():
        raise TratoError(f"{target} already exists; remove it or choose another --directory")
    values = {
        "name": name,
        "dist": dist,
        "label": label,
        "label_es": label_es,
        "core_range": core_range(CORE_VERSION),
        "core_head": migrate.core_head(),
        "revision": rev_id(),
        "date": date.today().isoformat(),
    }
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dist}-", dir=directory))
    try:
        _render_tree(staging, values)
        _compile_catalogue(staging / f"trato_{name}")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


@click.group("plugin", help="Tools for plugin authors.")
def plugin_group() -> None:
    pass


@plugin_group.command("new", help="Create trato-NAME/, a complete plugin package to start from.")
@click.argument("name")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The folder to create the package in.")
@click.option("--label", default=None, help="The name people see (default: NAME, capitalised).")
@click.option("--label-es", default=None, help="The Spanish label (default: the same as --label).")
def new(name: str, directory: Path, label: str | None, label_es: str | None) -> None:
    target = create_plugin(name, directory, label, label_es)
    click.echo(f"Created {target} (plugin {name}, for trato {core_range(CORE_VERSION)}). Next:")
    click.echo(f"  pip install -e {target}")
    click.echo(f"  trato plugins enable {name}")
    click.echo(f"  pytest {target / 'tests'}")


def register(cli: click.Group) -> None:
    cli.add_command(plugin_group)
