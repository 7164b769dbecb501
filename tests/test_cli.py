"""The `trato` command line, run as a user would: its own process, no standard input."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from .conftest import pip_install
from .support.live import base_env, trato


@pytest.fixture
def env(tmp_path, trato_db_url, installed_samples):
    return base_env(str(tmp_path / "instance"), trato_db_url, installed_samples)


def one_line_error(result) -> str:
    """A user error is one line on stderr, a non-zero exit, and no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_init_prints_the_admin_login_and_is_idempotent(env):
    first = trato("init", env=env)
    said = first.stdout.strip().splitlines()
    assert said[-1].startswith("Sign in as admin@example.com with the password ")  # last, on its own
    assert said[-2] == "" and "Start it with `trato run`" in first.stdout
    again = trato("init", "--served-next", env=env)  # the quickstart starts the server itself
    assert "created earlier" in again.stdout.strip().splitlines()[-1] and "with the password" not in again.stdout
    assert "trato run" not in again.stdout
    assert trato("user", "list", env=env).stdout.startswith("admin@example.com")


def test_init_demo_enables_plugins_and_loads_their_data_once(env):
    result = trato("init", "--demo", "--locale", "es", env=env)
    loaded = next(line for line in result.stdout.splitlines() if line.startswith("Loaded demo data of: "))
    assert "Enabled plugin greet." in result.stdout and "greet" in loaded.split(": ", 1)[1].rstrip(".").split(", ")
    assert "Skipped plugin badmig: a migration towards badmig@head failed" in result.stderr
    assert "greet" in trato("plugins", "list", env=env).stdout
    assert "not loading it twice" in trato("init", "--demo", env=env).stdout


def test_plugins_enable_disable_purge(env):
    trato("init", env=env)
    assert "Enabled greet." in trato("plugins", "enable", "greet", env=env).stdout
    listing = trato("plugins", "list", env=env).stdout
    assert any(line.startswith("greet") and "enabled" in line for line in listing.splitlines())
    assert "Disabled greet." in trato("plugins", "disable", "greet", env=env).stdout
    refused = trato("plugins", "purge", "greet", env=env, check=False)  # no stdin: the prompt aborts
    assert refused.returncode != 0
    assert "Deleted the data of greet." in trato("plugins", "purge", "greet", "--yes", env=env).stdout


def test_plugin_commands_run_only_while_enabled(env):
    trato("init", env=env)
    assert "is not enabled" in one_line_error(trato("greet", "hello", env=env, check=False))
    trato("plugins", "enable", "greet", env=env)
    assert trato("greet", "hello", "--name", "Ana", env=env).stdout.strip() == "hello Ana"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plugins", "enable", "nope"), "no plugin called 'nope' is installed"),
        (("plugins", "enable", "badmig"), "failed and was rolled back"),
        (("plugins", "disable", "greet"), "plugin 'greet' is not enabled"),
        (("user", "set-password", "nobody@example.com", "--password", "0123456789"), "no user has the email"),
        (("user", "create", "admin@example.com", "--password", "0123456789"), "already exists"),
        (("user", "create", "x@example.com", "--password", "short"), "at least 10 characters"),
        (("db", "downgrade", "zzz"), "zzz"),
    ],
)
def test_user_errors_are_one_clear_line(env, args, message):
    trato("init", env=env)
    assert message in one_line_error(trato(*args, env=env, check=False))


def test_requires_not_met(tmp_path, trato_db_url):
    site = pip_install(tmp_path / "site", "needy")
    env = base_env(str(tmp_path / "instance"), trato_db_url, site)
    trato("init", env=env)
    line = one_line_error(trato("plugins", "enable", "needy", env=env, check=False))
    assert "requires 'greet', which is not installed" in line


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TRATO_DEFAULT_LOCALE", "fr", "not a shipped language"),
        ("TRATO_DEFAULT_TIMEZONE", "Mars/Olympus", "not a time zone name"),
        ("TRATO_DATABASE_URL", "mysql://x@localhost/db", "mysql is not supported"),
        ("TRATO_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/nowhere", "cannot use the database"),
        ("TRATO_THEME", "purple", "there is no theme 'purple'"),
        ("TRATO_RECYCLE_RETENTION_DAYS", "soon", "expected a whole number"),
    ],
)
def test_wrong_settings_are_named(env, variable, value, message):
    line = one_line_error(trato("check", env={**env, variable: value}, check=False))
    assert message in line


def test_malformed_toml_is_named(env, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    (instance / "trato.toml").write_text('theme = "midnight"\ncolour = "red"\n')
    assert "unknown setting(s) colour" in one_line_error(trato("check", env=env, check=False))
    (instance / "trato.toml").write_text("theme = [")
    assert "not valid TOML" in one_line_error(trato("check", env=env, check=False))


def test_check_and_db_commands(env):
    assert "run `trato init`" in trato("check", env=env, check=False).stdout
    trato("init", env=env)
    assert "All good." in trato("check", env=env).stdout
    assert "Nothing to run" in trato("db", "pending", env=env).stdout
    assert "c001" in trato("db", "history", env=env).stdout
    assert trato("db", "current", env=env).stdout.strip()


def test_every_command_has_help(env):
    for args in (["--help"], ["init", "--help"], ["db", "--help"], ["plugins", "--help"], ["user", "--help"],
                 ["worker", "--help"], ["demo", "--help"], ["check", "--help"], ["run", "--help"]):
        result = trato(*args, env=env)
        assert "Usage:" in result.stdout and "Traceback" not in result.stderr


def test_a_database_held_by_another_process_is_called_busy_not_missing(env, trato_db_url):
    if not trato_db_url.startswith("sqlite"):
        pytest.skip("SQLite's single writer lock")
    trato("init", "--admin-email", "admin@example.com", "--admin-password", "a-long-admin-password", env=env)
    holder = sqlite3.connect(trato_db_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = trato("plugins", "enable", "contacts", env=env, check=False)
    finally:
        holder.rollback()
        holder.close()
    line = one_line_error(done)
    assert "the database is busy" in line and "run the command again" in line and "TRATO_DATABASE_URL" not in line


def test_a_plugin_enabled_by_two_processes_at_once_is_enabled_once(env):
    trato("init", "--admin-email", "admin@example.com", "--admin-password", "a-long-admin-password", env=env)
    command = [sys.executable, "-m", "trato.cli", "plugins", "enable", "sales"]
    racing = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL) for _ in range(3)]
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in racing]

    assert [code for code, _out, _err in outcomes] == [0, 0, 0], outcomes
    said = "".join(out for _code, out, _err in outcomes)
    assert said.count("Enabled sales.") == 1 and said.count("Enabled contacts.") == 1, said
    statuses = {line.split()[0]: line.split()[2] for line in trato("plugins", "list", env=env).stdout.splitlines()}
    assert statuses["sales"] == statuses["contacts"] == "enabled"
