"""`trato upgrade`: a pre-flight that changes nothing, and an upgrade whose failing plugin migration leaves the
schema and the data exactly as they were, on SQLite and PostgreSQL (issue 17, upgrades that cannot brick)."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tarfile

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from trato import Plugin, counters, migrate
from trato.cli.upgrade import upgrade
from trato.models import PluginState, utcnow
from trato.upgrade import upgrade_lock

from .conftest import sample


def dump(url: str) -> str:
    """The whole database, schema and rows, as SQL text."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(parsed.database or "") as conn:
            return "\n".join(conn.iterdump())
    done = subprocess.run([shutil.which("pg_dump") or "pg_dump", "--no-owner",
                           f"--dbname={parsed.set(drivername='postgresql').render_as_string(hide_password=False)}"],
                          capture_output=True, text=True, check=True)
    # pg_dump guards its output with a \restrict line holding a random key, different on every run
    return "\n".join(line for line in done.stdout.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))


def run_upgrade(app: Flask, *args: str) -> tuple[int, str]:
    """Exit code and what the user reads (`trato` prints a TratoError's message as one line)."""
    done = app.test_cli_runner().invoke(upgrade, list(args))
    return done.exit_code, done.output + str(done.exception or "")


@pytest.fixture
def at_first_step(make_app, make_user) -> Flask:
    """twostep enabled at its first revision, with rows of its own and a user: its second one is pending."""
    app = make_app(extra_plugins={"twostep": sample("twostep")})
    make_user("someone@example.com", name="Some One")
    st = app.extensions["trato"]
    with st.engine.begin() as conn:
        command.upgrade(migrate.config_for(st.plugins.records, conn), "t001")
        conn.execute(text("INSERT INTO twostep_note (body) VALUES ('first'), ('second')"))
        with Session(bind=conn) as session:
            session.add(PluginState(name="twostep", enabled=True, changed_at=utcnow()))
            counters.bump(session, counters.PLUGINS)
            session.flush()
    st.refresh()
    assert "twostep" in st.plugins.enabled
    st.engine.dispose()
    return app


def test_check_lists_the_pending_migration_and_changes_nothing(at_first_step: Flask, trato_db_url: str) -> None:
    before = dump(trato_db_url)
    code, output = run_upgrade(at_first_step, "--check")
    assert code == 0, output
    assert "t002" in output and "twostep" in output and "1 pending migration(s)" in output
    assert dump(trato_db_url) == before
    assert not at_first_step.extensions["trato"].settings.backup_path.exists()


def test_check_refuses_a_plugin_whose_core_range_excludes_this_core(make_app) -> None:
    oldie = Plugin(name="oldie", label="Old", hooks="trato_twostep.hooks", core=">=0.0.1,<0.1")
    app = make_app(extra_plugins={"oldie": oldie})
    code, output = run_upgrade(app, "--check")
    assert code != 0
    assert "plugin oldie" in output and "'>=0.0.1,<0.1'" in output and "does not admit trato" in output


def test_a_failing_plugin_migration_leaves_schema_and_data_as_they_were(at_first_step: Flask,
                                                                        trato_db_url: str) -> None:
    before = dump(trato_db_url)
    assert "twostep_note" in before and "Some One" in before

    code, output = run_upgrade(at_first_step)

    assert code != 0
    assert "the upgrade failed at twostep t002" in output and "twostep_no_such_table" in output
    assert "as it was" in output
    assert dump(trato_db_url) == before
    backups = list(at_first_step.extensions["trato"].settings.backup_path.glob("trato-before-upgrade-*.tar.gz"))
    assert len(backups) == 1 and str(backups[0]) in output
    with tarfile.open(backups[0]) as tar:
        assert "manifest.json" in tar.getnames()


def test_a_second_upgrade_meanwhile_is_refused(at_first_step: Flask, trato_db_url: str) -> None:
    before = dump(trato_db_url)
    with upgrade_lock(at_first_step.extensions["trato"]):
        code, output = run_upgrade(at_first_step)
    assert code != 0
    assert "another `trato upgrade` is running" in output
    assert dump(trato_db_url) == before


def test_an_upgrade_backs_up_then_applies_what_is_pending(make_app) -> None:
    app = make_app()
    st = app.extensions["trato"]
    with st.engine.begin() as conn:
        migrate.downgrade(conn, st.plugins.records, "core@-1")
    code, output = run_upgrade(app)
    assert code == 0, output
    assert "Applied 1 migration(s)" in output
    with st.engine.connect() as conn:
        assert migrate.current(conn) == {migrate.core_head()}
    backups = list(st.settings.backup_path.glob("trato-before-upgrade-*.tar.gz"))
    assert len(backups) == 1 and str(backups[0]) in output

    code, output = run_upgrade(app)
    assert (code, output.strip()) == (0, "Nothing to run: the database is up to date.")


def test_every_page_answers_with_the_maintenance_page_while_the_upgrade_runs(make_app, client_as, monkeypatch) -> None:
    app = make_app()
    st = app.extensions["trato"]
    client, api = client_as("admin"), app.test_client()
    with st.engine.begin() as conn:
        migrate.downgrade(conn, st.plugins.records, "core@-1")
    seen = []
    applying = migrate.apply

    def apply_and_look(conn, records, step):  # what a visitor meets while the migration runs
        seen.append((client.get("/"), api.get("/api/v1/meta/entities")))
        applying(conn, records, step)

    monkeypatch.setattr(migrate, "apply", apply_and_look)
    code, output = run_upgrade(app)
    assert code == 0, output
    (page, problem), = seen
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "Trato is being upgraded" in page.text and 'http-equiv="refresh"' in page.text
    assert problem.status_code == 503 and problem.json["type"].endswith("maintenance")
    assert client.get("/").status_code == 200  # over: and the flag leaves no row behind
    with st.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM core_counter WHERE name = 'maintenance'")).scalar() == 0


def test_the_versions_page_shows_the_versions_what_waits_and_how_the_last_upgrades_ended(
        at_first_step: Flask, client_as, make_user) -> None:
    from trato.app import CORE_VERSION

    admin = client_as(make_user(admin=True, app=at_first_step))
    page = admin.get("/admin/versions").text
    assert f'data-version="core">{CORE_VERSION}<' in page
    assert 'data-plugin="twostep"' in page and "1 migration waiting" in page
    assert "<code>t002</code>" in page and "No upgrade has run on this install yet." in page

    code, output = run_upgrade(at_first_step)
    assert code != 0
    page = admin.get("/admin/versions").text
    history = page[page.index('id="upgrade-history"'):]
    assert "failed, nothing changed" in history and "the upgrade failed at twostep t002" in history
    assert "1 migration waiting" in page  # still: nothing was applied

    spanish = client_as(make_user(admin=True, app=at_first_step, locale="es")).get("/admin/versions").text
    assert "Versiones y actualizaciones" in spanish and "1 migración pendiente" in spanish
    assert "falló, nada cambió" in spanish
    assert client_as("user").get("/admin/versions").status_code == 403
