"""The entity registry: what a plugin may contribute, and when it is taken in."""
from __future__ import annotations

import sys
import textwrap

import pytest

from trato import Plugin, records
from trato.entities import UnknownEntity
from trato.hooks import switch
from trato.hooks.adopt import rescan

SHADY = '''
from sqlalchemy.orm import DeclarativeBase, Mapped
from trato import EntityInfo, Record, field, hookimpl
from trato.fields import TextType


class Base(DeclarativeBase):
    pass


class Colour(TextType):
    name = "{type_name}"


class Thing(Record, Base):
    __tablename__ = "{table}"
    __entity__ = EntityInfo("Thing", "Things", title="{title}")
    name: Mapped[str] = field("text", label="Name")


@hookimpl
def field_types():
    return [Colour()]


@hookimpl
def entities():
    return [Thing]
'''


@pytest.fixture
def plugin_from(tmp_path, monkeypatch):
    """A plugin `name` whose hooks module is SHADY filled in with `values` (imported afresh)."""
    made: list[str] = []

    def make(name: str, **values: str) -> Plugin:
        package = tmp_path / f"trato_{name}"
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "hooks.py").write_text(textwrap.dedent(SHADY.format(**values)))
        monkeypatch.syspath_prepend(str(tmp_path))
        made.append(f"trato_{name}")
        return Plugin(name=name, label=name, hooks=f"trato_{name}.hooks")

    yield make
    for package in made:
        sys.modules.pop(f"{package}.hooks", None)
        sys.modules.pop(package, None)


@pytest.mark.parametrize("values, problem", [
    ({"type_name": "colour", "table": "shady_thing", "title": "name"},
     "field type 'colour' must be named 'shady_'..."),
    ({"type_name": "shady_colour", "table": "thing", "title": "name"},
     "table 'thing' of model Thing must start with 'shady_'"),
    ({"type_name": "shady_colour", "table": "shady_thing", "title": "label"},
     "entity shady_thing: title field(s) label do not exist"),
])
def test_a_plugin_with_a_bad_type_or_model_is_reported_broken(make_app, plugin_from, values, problem):
    app = make_app(extra_plugins={"shady": plugin_from("shady", **values)})
    state = app.extensions["trato"]
    assert state.plugins.records["shady"].error == problem
    assert "shady" not in state.plugins.loaded
    assert "colour" not in state.entities.types and "shady_thing" not in state.entities.models


def test_a_good_plugin_contributes_its_type_and_entity(make_app, plugin_from):
    app = make_app(extra_plugins={"good": plugin_from("good", type_name="good_colour", table="good_thing",
                                                       title="name")})
    registry = app.extensions["trato"].entities
    assert registry.types.get("good_colour").widget == "text"
    assert "good_thing" in registry.models
    assert "good_thing" not in registry  # offered only while the plugin is enabled


def test_a_plugin_installed_while_running_brings_its_entities(make_app):
    from trato_trade import plugin as trade_plugin

    app = make_app()
    registry = app.extensions["trato"].entities
    with app.app_context():
        assert registry.all() == []
        app.extensions["trato"].plugins.extra["trade"] = trade_plugin  # as if pip-installed now
        assert rescan(app) == ["trade"]
        switch.enable(app, "trade")
        assert [e.name for e in registry.all()] == ["trade_account", "trade_deal"]
        assert registry.types.get("trade_rating")
        assert records.create("trade_account", {"name": "Acme"}, user=None)["name"] == "Acme"
        switch.disable(app, "trade")
        with pytest.raises(UnknownEntity):
            records.create("trade_account", {"name": "Acme"}, user=None)
