"""`trato init`, `demo`, `worker`, `check` and `docs` (`run` is in run.py)."""
from __future__ import annotations

import logging
import secrets
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from .. import db, migrate, search
from ..consumers import ConsumerBeat, parent_from_env
from ..demo import DemoLoad, already_loaded, load_demo
from ..errors import MigrationError, TratoError
from ..fields import install_language
from ..hooks import switch
from ..hooks.host import dependency_order
from ..jobs import prepare_queue, recover
from ..mail import outbox
from ..users import count_users, create_user
from .common import app, refreshed_state, state
from .run import run


@click.command("init", help="Create or migrate the database and create the first administrator.")
@click.option("--demo", is_flag=True, help="Enable every installed plugin and load its demo data.")
@click.option("--admin-email", default="admin@example.com", show_default=True)
@click.option("--admin-password", default=None, help="Default: a random password, printed once.")
@click.option("--locale", type=click.Choice(["en", "es"]), default=None,
              help="Language of the administrator and of the demo data; by default the install's (default_locale).")
@click.option("--served-next", is_flag=True, hidden=True,
              help="The caller starts the server next (the quickstart): no advice to start it.")
@with_appcontext
def init(demo: bool, admin_email: str, admin_password: str | None, locale: str | None, served_next: bool) -> None:
    locale = locale or install_language()
    with force_locale(locale):  # the plugins' set-up rows (a first pipeline) in the demo's language
        _init(demo, admin_email, admin_password, locale, served_next)


def _init(demo: bool, admin_email: str, admin_password: str | None, locale: str, served_next: bool) -> None:
    st = state()
    existed = migrate.is_initialised(st.engine)
    if existed:
        st.refresh()
    with st.engine.begin() as conn:
        migrate.upgrade(conn, st.plugins.records, st.plugins.enabled_in_order())
    prepare_queue(st.huey)
    search.sync_all(st)
    url = st.engine.url.render_as_string(hide_password=True)
    click.echo(f"Kept the existing database and brought it up to date: {url}" if existed else f"Database ready: {url}")
    if demo:
        for name in dependency_order(st.plugins.records, st.plugins.loaded):
            try:
                for new in switch.enable(app(), name):
                    click.echo(f"Enabled plugin {new}.")
            except TratoError as exc:  # one bad plugin must not stop the others
                click.echo(f"Skipped plugin {name}: {exc}", err=True)
    session = db.session()
    password = None
    if count_users(session) == 0:
        password = admin_password or secrets.token_urlsafe(12)
        create_user(session, admin_email, "Administrator", password, is_admin=True, locale=locale)
        session.commit()
    if demo:
        if already_loaded(session):
            click.echo("Demo data was loaded before; not loading it twice.")
        else:
            _said(load_demo(app(), locale))
    click.echo("")
    if not served_next:
        click.echo(f"Trato is ready. Start it with `trato run` and open {st.settings.base_url}")
    _sign_in_last(admin_email, password)


def _sign_in_last(admin_email: str, password: str | None) -> None:
    """How the administrator signs in: last and on its own, after every log line, so it is not missed.

    Log lines go to standard error and are flushed first, so that a terminal
    showing both does not print one after this.
    """
    for handler in logging.getLogger("trato").handlers:
        handler.flush()
    sys.stderr.flush()
    click.echo("")
    if password:
        click.echo(f"Sign in as {admin_email} with the password {password}")
    else:
        click.echo("Sign in with the administrator created earlier (`trato user set-password EMAIL` resets it).")
    click.echo("")


@click.command("demo", help="Load the demo data of every enabled plugin.")
@click.option("--locale", type=click.Choice(["en", "es"]), default=None,
              help="The demo's language; by default the install's (default_locale).")
@with_appcontext
def demo_cmd(locale: str | None) -> None:
    refreshed_state()
    locale = locale or install_language()
    if already_loaded(db.session()):
        raise TratoError("demo data was loaded before; load it into a fresh database only")
    _said(load_demo(app(), locale))


def _said(done: DemoLoad) -> None:
    """What a demo load made, and how its people sign in (the password is shown only here)."""
    click.echo(f"Loaded demo data of: {', '.join(done.plugins) or 'no plugin (enable some first)'}.")
    click.echo(f"Demo sales people (each sees their own records): {', '.join(done.people)}; "
               f"their password is {done.password}")


@click.command("worker", help="Run background jobs and periodic tasks (the Huey consumer).")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker(workers: int) -> None:
    st = refreshed_state()
    if st.huey.immediate:
        raise TratoError("TRATO_JOBS_IMMEDIATE is on: jobs run inside the web process, there is nothing to consume")
    click.echo(f"Worker started with {workers} thread(s); tasks: {', '.join(sorted(st.tasks))}")
    prepare_queue(st.huey)
    recover(app())  # a job whose worker died before this one started
    if any(outbox.recover(app()).values()):  # mail a dead worker was sending
        outbox.wake()
    consumer = st.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    heartbeat = ConsumerBeat(st.huey, parent_from_env())
    heartbeat.start()
    try:
        consumer.run()
    finally:
        heartbeat.stop()


@click.command("check", help="Check the settings, the database, the plugins and the job queue.")
@with_appcontext
def check() -> None:
    st = state()
    problems = 0
    click.echo(f"instance folder   {st.settings.instance_path}")
    click.echo(f"database          {st.engine.url.render_as_string(hide_password=True)}")
    with st.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    if not migrate.is_initialised(st.engine):
        click.echo("migrations        NOT SET UP: run `trato init`")
        problems += 1
    else:
        st.refresh()
        try:
            with st.engine.connect() as conn:
                steps = migrate.pending(conn, st.plugins.records, st.plugins.enabled_in_order())
        except MigrationError as exc:  # at a revision no installed package provides
            click.echo(f"migrations        UNKNOWN: {exc}")
            problems += 1
        else:
            click.echo(f"migrations        {len(steps)} pending" + (": run `trato db upgrade`" if steps else ""))
            problems += bool(steps)
    for record in st.plugins.records.values():
        if not record.ok:
            click.echo(f"plugin {record.name:<10} BROKEN: {record.error}")
            problems += 1
    click.echo(f"plugins           {len(st.plugins.loaded)} loaded, {len(st.plugins.enabled)} enabled")
    try:
        st.huey.storage.enqueued_items(1)
        click.echo(f"job queue         {type(st.huey).__name__} reachable")
    except Exception as exc:  # any backend's connection error
        click.echo(f"job queue         UNREACHABLE: {exc}")
        problems += 1
    if problems:
        raise TratoError(f"{problems} problem(s) found")
    click.echo("All good.")


@click.group("docs", help="Generate reference documentation.")
def docs_group() -> None:
    pass


@docs_group.command("hooks", help="Write the hook reference (docs/hooks.md) from the specifications.")
@click.option("--output", type=click.Path(path_type=Path), default=Path("docs/hooks.md"), show_default=True)
def docs_hooks(output: Path) -> None:
    from ..hooks.reference import render_reference

    output.write_text(render_reference(), encoding="utf-8")
    click.echo(f"Wrote {output}")


def register(cli: click.Group) -> None:
    for command in (init, demo_cmd, worker, check, docs_group, run):
        cli.add_command(command)
