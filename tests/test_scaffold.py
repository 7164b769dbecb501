"""`trato plugin new`: the package it writes installs, passes its own tests and is found by Trato.

The generated plugin is pip-installed into a folder of its own and used from
other processes with that folder on PYTHONPATH, the way a plugin from PyPI is.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from click.testing import CliRunner, Result

from trato import __version__, migrate
from trato.cli import cli, scaffold
from trato.cli.scaffold import core_range

NAME = "stock"
PASSWORD = "a-long-enough-password"


def run(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """Run a command in its own process; fail the test with its output if it fails."""
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def new_plugin(*args: str) -> Result:
    scaffold.register(cli)
    return CliRunner().invoke(cli, ["plugin", "new", *args])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """trato-stock/, made by the command line."""
    base = tmp_path_factory.mktemp("scaffold")
    result = new_plugin(NAME, "--directory", str(base), "--label", "Stock", "--label-es", "Existencias")
    assert result.exit_code == 0, result.output
    assert f"Created {base / 'trato-stock'}" in result.output
    return base / "trato-stock"


@pytest.fixture(scope="module")
def site(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where trato-stock is pip-installed from the generated sources."""
    target = tmp_path_factory.mktemp("site")
    run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-build-isolation", "--target", str(target), str(generated)])
    return target


def plugin_env(site: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRATO_") or k == "TRATO_TEST_DATABASE_URL"}
    return {**env, "PYTHONPATH": str(site), **extra}


def test_core_range_allows_this_core_up_to_the_next_breaking_release():
    assert core_range("0.1.0") == ">=0.1,<0.2"
    assert core_range("0.4.2") == ">=0.4,<0.5"
    assert core_range("1.3.0") == ">=1.3,<2"
    assert core_range("2.0.0rc1") == ">=2.0,<3"


def test_the_package_fits_the_running_core(generated: Path):
    package = generated / "trato_stock"
    assert {p.relative_to(generated).as_posix() for p in generated.rglob("*") if p.is_file()} >= {
        "pyproject.toml", "README.md", "babel.cfg", ".gitignore", "tests/test_stock.py",
        "trato_stock/__init__.py", "trato_stock/hooks.py", "trato_stock/models.py",
        "trato_stock/templates/stock/widget.html", "trato_stock/templates/stock/panel.html",
        "trato_stock/translations/es/LC_MESSAGES/messages.po", "trato_stock/translations/es/LC_MESSAGES/messages.mo",
    }
    pyproject = (generated / "pyproject.toml").read_text()
    assert f'dependencies = ["trato{core_range(__version__)}"]' in pyproject
    assert '[project.entry-points."trato.plugins"]\nstock = "trato_stock:plugin"' in pyproject
    assert f'core="{core_range(__version__)}"' in (package / "__init__.py").read_text()
    (migration,) = (package / "migrations").glob("*_stock_items.py")
    source = migration.read_text()
    assert 'branch_labels = ("stock",)' in source
    assert f'depends_on = "{migrate.core_head()}"' in source
    assert '"stock_item",\n        *migration.record_columns(),' in source
    assert 'sa.Column("price_currency", sa.String(3), nullable=True),' in source
    assert "class Item(Record, Base):" in (package / "models.py").read_text()
    with open(package / "translations/es/LC_MESSAGES/messages.mo", "rb") as mo:
        catalogue = read_mo(mo)
    assert catalogue.get("Stock").string == "Existencias"
    assert catalogue.get("Items").string == "Elementos"


def test_the_installed_plugin_passes_its_own_tests(generated: Path, site: Path):
    out = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(generated / "tests")],
              env=plugin_env(site), cwd=site.parent)
    assert " passed" in out and "failed" not in out and "error" not in out


def test_trato_finds_the_installed_plugin(site: Path, tmp_path: Path):
    env = plugin_env(site, TRATO_INSTANCE_PATH=str(tmp_path / "instance"))
    trato = [sys.executable, "-m", "trato.cli"]
    run([*trato, "init", "--admin-password", PASSWORD], env=env)
    listed = [line.split() for line in run([*trato, "plugins", "list"], env=env).splitlines()]
    assert ["stock", "0.1.0", "disabled", "trato-stock"] in listed


@pytest.mark.parametrize("name, reason", [
    ("Stock", "'Stock' is not a valid plugin name"),
    ("2go", "'2go' is not a valid plugin name"),
    ("s", "'s' is not a valid plugin name"),
    ("my-plugin", "'my-plugin' is not a valid plugin name"),
    ("admin", "'admin' is reserved by Trato"),
    ("core", "'core' is reserved by Trato"),
])
def test_refuses_a_bad_name_in_one_line(name: str, reason: str, tmp_path: Path):
    result = new_plugin(name, "--directory", str(tmp_path))
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith(f"Error: {reason}")
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_label_that_cannot_be_pasted_into_code(tmp_path: Path):
    result = new_plugin("quotes", "--directory", str(tmp_path), "--label", 'Say "hi"')
    assert result.exit_code == 1
    assert result.output.startswith("Error: 'Say \"hi\"' is not a usable label")
    assert list(tmp_path.iterdir()) == []


def test_refuses_an_existing_directory(tmp_path: Path):
    (tmp_path / "trato-stock").mkdir()
    (tmp_path / "trato-stock" / "mine.txt").write_text("keep me")
    result = new_plugin(NAME, "--directory", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path / 'trato-stock'} already exists; "
                             "remove it or choose another --directory\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trato-stock"]
    assert [p.name for p in (tmp_path / "trato-stock").iterdir()] == ["mine.txt"]


def test_refuses_the_name_of_an_installed_plugin(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(site))
    result = new_plugin(NAME, "--directory", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == ("Error: a plugin called 'stock' is already installed (from trato-stock); "
                             "choose another name\n")
