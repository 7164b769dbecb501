"""The core's wheel: what it ships, and that it works outside the checkout.

`pip install trato` must give a server that can create and migrate a fresh
database, so the wheel is built from this checkout, installed into a folder
of its own, and driven from there with the checkout off the import path.
"""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from trato import migrate
from trato.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "core" / "trato" / "translations"


def run(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command; fail the test with its output if it fails."""
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--disable-pip-version-check", "-w", str(out), str(ROOT)])
    (built,) = out.glob("trato-*.whl")
    return built


def test_wheel_ships_migrations_theme_vendored_files_and_catalogues(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "trato/_bundled/migrations/env.py",
        "trato/_bundled/themes/default/templates/base.html",
        "trato/_bundled/themes/default/static/vendor/htmx/htmx.min.js",
        "trato/_bundled/themes/default/static/vendor/htmx/LICENSE",
    }
    expected |= {f"trato/_bundled/migrations/versions/{p.name}"
                 for p in (ROOT / "migrations" / "versions").glob("*.py")}
    expected |= {f"trato/translations/{lang}/LC_MESSAGES/messages.mo" for lang in LANGUAGES if lang != "en"}
    expected |= {f"trato/{po.relative_to(CATALOGUES.parent).with_suffix('.mo').as_posix()}"
                 for po in CATALOGUES.rglob("*.po")}
    missing = sorted(expected - names)
    assert not missing, f"the wheel lacks {missing} (catalogues are compiled by deploy/test.sh)"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_installed_wheel_creates_and_migrates_a_database(wheel: Path, tmp_path: Path, trato_db_url: str) -> None:
    site = (tmp_path / "site").resolve()
    run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--disable-pip-version-check",
         "--target", str(site), str(wheel)])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRATO_", "PYTHON"))}
    env.update(PYTHONPATH=str(site), TRATO_INSTANCE_PATH=str(tmp_path / "instance"),
               TRATO_DATABASE_URL=trato_db_url)

    def python(*args: str) -> str:
        return run([sys.executable, *args], cwd=tmp_path, env=env)

    def trato(*args: str) -> str:
        return python("-m", "trato.cli", *args)

    where = python("-c", "import trato, trato.resources as r; "
                         "print(trato.__file__); print(r.resource_dir('migrations'))")
    package, migrations = map(Path, where.split())
    assert package.is_relative_to(site) and migrations == site / "trato" / "_bundled" / "migrations"

    first = trato("init")
    assert "Database ready" in first and "Sign in as admin@example.com with the password" in first

    script = ScriptDirectory.from_config(migrate.config_for({}))
    core_heads = {rev.revision for rev in script.get_revisions(f"{migrate.CORE}@head")}
    assert core_heads <= set(trato("db", "current").split())

    again = trato("init")
    assert "Kept the existing database" in again and "with the password" not in again
