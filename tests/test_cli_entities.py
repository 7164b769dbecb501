"""`trato entities` and `trato fields`, run as a user would: their own process, no standard input."""
from __future__ import annotations

import pytest

from .conftest import pip_install
from .support.live import base_env, trato
from .test_cli import one_line_error


@pytest.fixture(scope="module")
def trade_site(tmp_path_factory) -> str:
    return pip_install(tmp_path_factory.mktemp("trade-site"), "trade")


@pytest.fixture
def env(tmp_path, trato_db_url, trade_site):
    env = base_env(str(tmp_path / "instance"), trato_db_url, trade_site)
    trato("init", env=env)
    trato("plugins", "enable", "trade", env=env)
    return env


def test_custom_entity_and_fields_from_the_command_line(env):
    assert "Created entity x_vehicle." in trato("entities", "add", "vehicle", "--label", "Vehicle", "--plural",
                                                "Vehicles", "--label-es", "Vehículo", env=env).stdout
    listing = trato("entities", "list", env=env).stdout.splitlines()
    assert any(line.startswith("trade_account") and "plugin trade" in line for line in listing)
    assert any(line.startswith("x_vehicle") and "Vehicles" in line and "custom" in line for line in listing)
    added = trato("fields", "add", "vehicle", "fuel", "--type", "select", "--label", "Fuel", "--label-es",
                  "Combustible", "--options", "petrol:Petrol,electric:Electric", "--filterable", env=env)
    assert "Added field fuel to vehicle." in added.stdout
    trato("fields", "add", "trade_account", "vat", "--type", "text", "--label", "VAT", env=env)
    fields = trato("fields", "list", "x_vehicle", env=env).stdout
    assert any(line.startswith("fuel") and "select" in line and "custom, filterable" in line
               for line in fields.splitlines())
    account = trato("fields", "list", "trade_account", env=env).stdout.splitlines()
    assert account[0].startswith("name") and any(line.startswith("cf_vat") and "custom" in line for line in account)
    assert trato("fields", "remove", "trade_account", "cf_vat", env=env, check=False).returncode != 0  # no --yes
    removed = trato("fields", "remove", "trade_account", "cf_vat", "--yes", env=env).stdout
    assert "Removed field cf_vat of trade_account; 0 values were lost." in removed
    assert "cf_vat" not in trato("fields", "list", "trade_account", env=env).stdout


@pytest.mark.parametrize(("args", "message"), [
    (("fields", "add", "nope", "x", "--type", "text", "--label", "X"), "unknown entity 'nope'"),
    (("fields", "add", "trade_account", "select", "--type", "text", "--label", "X"), "is reserved"),
    (("fields", "add", "trade_account", "x", "--type", "colour", "--label", "X"), "unknown field type 'colour'"),
    (("fields", "add", "trade_account", "x", "--type", "select", "--label", "X"), "needs at least one option"),
    (("fields", "add", "trade_account", "x", "--type", "select", "--label", "X", "--options", "a"),
     "must be written value:Label"),
    (("fields", "remove", "trade_account", "name", "--yes"), "is a built-in field"),
    (("entities", "add", "Bad Name", "--label", "X", "--plural", "Xs"), "may hold only lower-case letters"),
])
def test_refusals_are_one_clear_line(env, args, message):
    assert message in one_line_error(trato(*args, env=env, check=False))

