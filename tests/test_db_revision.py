"""`trato db revision --plugin NAME -m MSG`: a new revision in a plugin's own Alembic branch."""
from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest
from alembic.script import Script, ScriptDirectory
from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import inspect

from trato import Plugin, migrate
from trato.cli import cli, db
from trato.cli.scaffold import create_plugin
from trato.hooks import switch


def generated_plugin(name: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Plugin:
    """A plugin made by `trato plugin new`, importable from its sources."""
    target = create_plugin(name, folder)
    monkeypatch.syspath_prepend(str(target))
    module = importlib.import_module(f"trato_{name}")
    # A sample plugin of the same name imported earlier would be used instead, and its folder written to.
    assert Path(module.__file__).is_relative_to(target), f"trato_{name} is already a sample plugin's name"
    return module.plugin


def trato(app: Flask, *args: str) -> Result:
    """`trato ...` on `app`, through the real command group (errors as one line)."""
    db.register(cli)
    return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))


def branch(app: Flask, name: str) -> list[Script]:
    """The revisions of plugin `name`'s branch, newest first."""
    script = ScriptDirectory.from_config(migrate.config_for(app.extensions["trato"].plugins.records))
    return [rev for rev in script.iterate_revisions(f"{name}@head", "base") if name in rev.branch_labels]


def test_a_revision_goes_on_top_of_the_plugin_branch(make_app, tmp_path, monkeypatch):
    plugin = generated_plugin("notebook", tmp_path, monkeypatch)
    app = make_app(extra_plugins={"notebook": plugin})
    (root,) = branch(app, "notebook")

    result = trato(app, "db", "revision", "--plugin", "notebook", "-m", "add a note to items")

    assert result.exit_code == 0, result.output
    head, below = branch(app, "notebook")
    assert (head.doc, head.down_revision, below.revision) == ("add a note to items", root.revision, root.revision)
    assert Path(head.path).parent == plugin.migrations_path
    assert result.output == (f"Wrote {head.path}; fill in upgrade() and downgrade(), "
                             "then run `trato db upgrade`.\n")
    # The author fills it in; enabling the plugin runs both revisions.
    source = Path(head.path).read_text()
    Path(head.path).write_text(source.replace(
        "def upgrade() -> None:\n    pass",
        "def upgrade() -> None:\n    op.add_column('notebook_item', sa.Column('note', sa.Text(), nullable=True))",
    ))
    switch.enable(app, "notebook")
    with app.extensions["trato"].engine.connect() as conn:
        assert "note" in {c["name"] for c in inspect(conn).get_columns("notebook_item")}
        assert head.revision in migrate.current(conn)


def test_the_first_revision_starts_the_branch_on_the_core_head(make_app, tmp_path, monkeypatch):
    plugin = generated_plugin("journal", tmp_path, monkeypatch)
    shutil.rmtree(plugin.package_path() / "migrations")
    app = make_app(extra_plugins={"journal": plugin})

    result = trato(app, "db", "revision", "--plugin", "journal", "-m", "journal tables")

    assert result.exit_code == 0, result.output
    (root,) = branch(app, "journal")
    assert root.down_revision is None
    assert root.branch_labels == {"journal"}
    assert root.dependencies == migrate.core_head()
    assert Path(root.path).parent == plugin.package_path() / "migrations"


def test_a_revision_can_depend_on_another_plugin(make_app, samples, tmp_path, monkeypatch):
    plugin = generated_plugin("invoices", tmp_path, monkeypatch)
    app = make_app(extra_plugins={**samples, "invoices": plugin})

    result = trato(app, "db", "revision", "--plugin", "invoices", "-m", "link greetings",
                   "--depends-on", "greet@head")

    assert result.exit_code == 0, result.output
    head = branch(app, "invoices")[0]
    assert head.dependencies == "g001"  # written as greet's revision id, not the moving greet@head


def test_an_unknown_plugin_is_one_line(app):
    result = trato(app, "db", "revision", "--plugin", "nope", "-m", "anything")
    assert result.exit_code == 1
    assert result.output == "Error: no working plugin called 'nope' is installed; see `trato plugins list`\n"
