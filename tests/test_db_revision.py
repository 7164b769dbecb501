"""`trato db revision --plugin NAME -m MSG [--autogenerate]`: a new revision in a plugin's own Alembic branch."""
from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate.api import AutogenContext
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo
import sqlalchemy as sa
from sqlalchemy import create_engine, inspect

from trato import Plugin, autogen, migrate
from trato.cli import cli, db
from trato.cli.scaffold import create_plugin
from trato.fields.sqltypes import ExactDecimal, UTCDateTime, json_value
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


def test_autogenerate_keeps_to_the_plugins_own_tables():
    meta = sa.MetaData()
    tables = {name: sa.Table(name, meta, sa.Column("id", sa.Integer, primary_key=True),
                             sa.Column("cf_colour", sa.String(20)), sa.Column("size", sa.Integer))
              for name in ("sales_deal", "sales_extra_offer", "core_user", "x_sales_deal_links")}
    made_at_run_time = sa.Index("ix_sales_deal_size_filter", tables["sales_deal"].c.size)
    include = autogen.include_for("sales", ["sales", "sales_extra", "contacts"])

    assert [name for name, table in tables.items() if include(table, name, "table", False, None)] == ["sales_deal"]
    deal = tables["sales_deal"]
    assert include(deal.c.size, "size", "column", False, None)
    assert not include(deal.c.cf_colour, "cf_colour", "column", False, None)  # an admin's custom field
    assert not include(made_at_run_time, made_at_run_time.name, "index", False, None)


def test_autogenerate_renders_trato_types_with_public_names():
    with create_engine("sqlite://").connect() as conn:
        context = AutogenContext(MigrationContext.configure(conn))
    rendered = [autogen.render_item("type", t, context)
                for t in (ExactDecimal(3), UTCDateTime(), json_value(), sa.String(3))]
    assert rendered == ["migration.ExactDecimal(scale=3)", "migration.UTCDateTime()", "migration.json_value()", False]
    assert context.imports == {"from trato import migration"}


def test_autogenerate_starts_a_branch_from_the_models(make_app, samples, tmp_path, monkeypatch):
    plugin = generated_plugin("almanac", tmp_path, monkeypatch)
    shutil.rmtree(plugin.package_path() / "migrations")
    app = make_app(plugins=["greet"], extra_plugins={**samples, "almanac": plugin})
    switch.disable(app, "greet")  # its tables and revision stay in the database

    result = trato(app, "db", "revision", "--plugin", "almanac", "-m", "almanac tables", "--autogenerate")

    assert result.exit_code == 0, result.output
    (root,) = branch(app, "almanac")
    assert (root.branch_labels, root.dependencies) == ({"almanac"}, migrate.core_head())
    code = Path(root.path).read_text()
    assert code.count("op.create_table(") == 1 and "op.create_table('almanac_item'," in code
    assert "sa.Column('price', migration.ExactDecimal(scale=2), nullable=True)" in code
    assert "sa.PrimaryKeyConstraint('id', name=op.f('pk_almanac_item'))" in code
    assert "op.f('ix_almanac_item_status')" in code


def test_autogenerate_refuses_a_database_behind_the_plugin(make_app, tmp_path, monkeypatch):
    plugin = generated_plugin("binder", tmp_path, monkeypatch)
    app = make_app(extra_plugins={"binder": plugin})  # installed, not enabled: its first revision has not run

    result = trato(app, "db", "revision", "--plugin", "binder", "-m", "more", "--autogenerate")

    assert result.exit_code == 1
    assert result.output.startswith("Error: the database is not at every head (1 revision(s) to run, the first ")
    assert result.output.endswith(" of binder): enable plugin binder (`trato plugins enable binder`), which runs "
                                  "them, then generate the revision again\n")
    assert len(list(plugin.migrations_path.glob("*.py"))) == 1


NEW_FIELDS = """
    weight: Mapped[Decimal | None] = field("decimal", label=_l("Weight"), scale=3)
    budget: Mapped[Money | None] = field("money", label=_l("Budget"))
"""


def command(args: list[str], env: dict[str, str]) -> str:
    """Run `args` in a process of its own, as an author runs `trato`; fail the test with its output if it fails."""
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_autogenerate_writes_what_the_models_changed(tmp_path, trato_db_url):
    """The scaffold's first migration matches its models; two new fields become a revision Trato can run."""
    source = create_plugin("shelf", tmp_path / "src")
    site = tmp_path / "site"
    command([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--no-build-isolation", "--target", str(site), str(source)], dict(os.environ))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRATO_")} | {
        "PYTHONPATH": str(site), "TRATO_INSTANCE_PATH": str(tmp_path / "instance"), "TRATO_DATABASE_URL": trato_db_url}
    trato_cli = [sys.executable, "-m", "trato.cli"]
    command([*trato_cli, "init", "--admin-password", "a-long-enough-password"], env)
    command([*trato_cli, "plugins", "enable", "shelf"], env)
    revision = [*trato_cli, "db", "revision", "--plugin", "shelf", "--autogenerate"]
    assert command([*revision, "-m", "nothing yet"], env) == \
        "Nothing to write: the tables of plugin shelf match its models.\n"

    models = site / "trato_shelf" / "models.py"
    text = models.read_text().replace("from datetime import date\n",
                                      "from datetime import date\nfrom decimal import Decimal\n")
    models.write_text(text.replace("    price: Mapped", NEW_FIELDS.lstrip("\n") + "    price: Mapped"))
    said = command([*revision, "-m", "weight and budget"], env)

    (written,) = (site / "trato_shelf" / "migrations").glob("*_weight_and_budget.py")
    assert said == f"Wrote {written}; review it (names, types, data to move), then run `trato db upgrade`.\n"
    code = written.read_text()
    assert "from trato import migration\n" in code
    upgrade = code[code.index("def upgrade"):code.index("def downgrade")]
    for column in ("sa.Column('weight', migration.ExactDecimal(scale=3), nullable=True)",
                   "sa.Column('budget', migration.ExactDecimal(scale=2), nullable=True)",
                   "sa.Column('budget_currency', sa.String(length=3), nullable=True)"):
        assert column in upgrade
    assert upgrade.count("add_column(") == 3 and "core_" not in upgrade and "drop" not in upgrade

    assert command([*trato_cli, "db", "upgrade"], env) == "Applied 1 revision(s).\n"
    engine = create_engine(trato_db_url)
    try:
        with engine.connect() as conn:
            columns = {c["name"]: c for c in inspect(conn).get_columns("shelf_item")}
    finally:
        engine.dispose()
    assert {"weight", "budget", "budget_currency"} <= set(columns)
