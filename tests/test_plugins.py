"""Plugin lifecycle: discovery, broken plugins, enable/disable/purge, requires, rollback."""
from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import inspect, select, text

from trato import Plugin
from trato.errors import MigrationError, PluginError
from trato.hooks import switch
from trato.models import PluginState


def tables(app) -> set[str]:
    with app.extensions["trato"].engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def columns(app, table: str) -> set[str]:
    with app.extensions["trato"].engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_installed_is_not_enabled(make_app, samples, client_as):
    app = make_app(extra_plugins=samples)
    host = app.extensions["trato"].plugins
    assert {"greet", "needy", "badmig"} <= set(host.records)
    assert host.enabled == frozenset()
    assert "greet_greeting" not in tables(app)
    client = client_as("admin")
    assert client.get("/greet/").status_code == 404
    assert b"Greetings" not in client.get("/").data


def test_enable_runs_migrations_and_shows_the_plugin(make_app, samples, client_as):
    app = make_app(extra_plugins=samples)
    assert switch.enable(app, "greet") == ["greet"]
    assert {"greet_greeting", "greet_tick"} <= tables(app)
    client = client_as("admin")
    page = client.get("/greet/")
    assert page.status_code == 200 and b"No greetings yet." in page.data
    assert b'href="/greet/"' in client.get("/").data


def test_disable_hides_everything_and_keeps_data(greet_app, client_as):
    client = client_as("admin")
    client.post("/greet/", data={"text": "hola"})
    switch.disable(greet_app, "greet")
    assert client.get("/greet/").status_code == 404
    assert b'href="/greet/"' not in client.get("/").data
    with greet_app.extensions["trato"].engine.connect() as conn:
        assert conn.execute(text("SELECT text FROM greet_greeting")).scalars().all() == ["hola"]
    switch.enable(greet_app, "greet")
    assert b"hola" in client.get("/greet/").data


def test_requires_enables_the_dependency_first(make_app, samples):
    app = make_app(extra_plugins=samples)
    assert switch.enable(app, "needy") == ["greet", "needy"]
    assert app.extensions["trato"].plugins.enabled == {"greet", "needy"}


def test_disabling_a_required_plugin_is_refused(make_app, samples):
    app = make_app(plugins=["needy"], extra_plugins=samples)
    with pytest.raises(PluginError, match="required by needy"):
        switch.disable(app, "greet")
    assert app.extensions["trato"].plugins.is_enabled("greet")


def test_missing_requirement_gives_a_clear_refusal(make_app, samples):
    app = make_app(extra_plugins={"needy": samples["needy"]})
    with pytest.raises(PluginError, match="requires 'greet', which is not installed"):
        switch.enable(app, "needy")
    assert app.extensions["trato"].plugins.enabled == frozenset()


def test_unknown_plugin_name(app):
    with pytest.raises(PluginError, match="no plugin called 'nope' is installed"):
        switch.enable(app, "nope")


def test_plugins_published_hook_reaches_another_plugin(make_app, samples, client_as):
    from trato_needy.hooks import HEARD

    make_app(plugins=["needy"], extra_plugins=samples)
    client_as("admin").post("/greet/", data={"text": "buenos días"})
    assert "buenos días" in HEARD


def test_failed_migration_leaves_nothing_behind(make_app, samples):
    app = make_app(extra_plugins=samples)
    with pytest.raises(MigrationError, match="rolled back"):
        switch.enable(app, "badmig")
    assert "badmig_thing" not in tables(app)
    assert "badmig_flag" not in columns(app, "core_user")
    assert not app.extensions["trato"].plugins.is_enabled("badmig")
    with app.extensions["trato"].sessionmaker() as s:
        assert s.get(PluginState, "badmig") is None


@pytest.mark.parametrize(
    ("plugin", "reason"),
    [
        (Plugin(name="old", label="Old", hooks="trato_greet.hooks", core="<0.1"), "needs trato <0.1"),
        (Plugin(name="ghost", label="Ghost", hooks="no_such_module.hooks"), "ModuleNotFoundError"),
        (Plugin(name="other", label="X", hooks="trato_greet.hooks"), "calls itself 'other'"),
        (Plugin(name="core", label="X", hooks="trato_greet.hooks"), "not a valid plugin name"),
    ],
)
def test_broken_plugins_are_listed_and_skipped(make_app, client_as, plugin, reason):
    entry = "misnamed" if plugin.name == "other" else plugin.name
    app = make_app(extra_plugins={entry: plugin})
    record = app.extensions["trato"].plugins.records[entry]
    assert not record.ok and reason in (record.error or "")
    page = client_as("admin").get("/admin/plugins")
    assert page.status_code == 200
    assert str(escape(reason)) in page.data.decode()
    with pytest.raises(PluginError, match="broken"):
        switch.enable(app, entry)


def test_purge_drops_the_tables_of_a_disabled_plugin(greet_app):
    with pytest.raises(PluginError, match="disable it before purging"):
        switch.purge(greet_app, "greet")
    switch.disable(greet_app, "greet")
    switch.purge(greet_app, "greet")
    assert "greet_greeting" not in tables(greet_app)
    with greet_app.extensions["trato"].sessionmaker() as s:
        assert s.get(PluginState, "greet") is None
    switch.enable(greet_app, "greet")  # the branch can be applied again from scratch
    assert "greet_greeting" in tables(greet_app)


def test_another_worker_sees_the_change_without_restart(make_app, samples, client_as):
    first = make_app(extra_plugins=samples)
    second = make_app(extra_plugins=samples)  # same database, another "process"
    visitor = client_as("admin", app=second)
    assert visitor.get("/greet/").status_code == 404
    switch.enable(first, "greet")
    assert visitor.get("/greet/").status_code == 200
    switch.disable(first, "greet")
    assert visitor.get("/greet/").status_code == 404


def test_admin_screen_enables_and_disables(make_app, samples, client_as):
    app = make_app(extra_plugins=samples)
    client = client_as("admin")
    page = client.get("/admin/plugins")
    assert b'data-plugin="greet"' in page.data
    done = client.post("/admin/plugins/greet/enable", headers={"HX-Request": "true"})
    assert done.headers["HX-Redirect"] == "/admin/plugins"
    assert app.extensions["trato"].plugins.is_enabled("greet")
    after = client.get("/admin/plugins").data.decode()
    assert "greet is enabled." in after and 'href="/greet/"' in after
    refused = client.post("/admin/plugins/greet/purge", data={"confirm": "greet"})
    assert refused.status_code == 422 and b"disable it before purging" in refused.data
    client.post("/admin/plugins/greet/disable")
    wrong = client.post("/admin/plugins/greet/purge", data={"confirm": "gree"})
    assert wrong.status_code == 422 and "greet_greeting" in tables(app)
    client.post("/admin/plugins/greet/purge", data={"confirm": "greet"})
    assert "greet_greeting" not in tables(app)


def test_admin_screen_is_for_admins_only(greet_app, client_as):
    assert client_as("user").get("/admin/plugins").status_code == 403
    assert client_as("user").post("/admin/plugins/greet/disable").status_code == 403
    assert greet_app.extensions["trato"].plugins.is_enabled("greet")


def test_state_rows_record_enable_and_disable(greet_app):
    switch.disable(greet_app, "greet")
    with greet_app.extensions["trato"].sessionmaker() as s:
        rows = s.execute(select(PluginState.name, PluginState.enabled)).all()
    assert [tuple(r) for r in rows] == [("greet", False)]


def test_a_misnamed_blueprint_breaks_its_plugin_and_silences_its_hooks(make_app, client_as):
    plugin = Plugin(name="rogue", label="Rogue", hooks="trato_greet.misnamed")
    app = make_app(extra_plugins={"rogue": plugin})
    record = app.extensions["trato"].plugins.records["rogue"]
    assert not record.ok and "must be named 'rogue'" in (record.error or "")
    with pytest.raises(PluginError, match="broken"):
        switch.enable(app, "rogue")
    client = client_as("admin")
    assert client.get("/someone-else/").status_code == 404
    assert b"Misnamed" not in client.get("/").data
