"""The hooks the core calls. Each docstring is the hook's reference documentation.

docs/hooks.md is generated from these docstrings (`trato docs hooks`), and
tests/test_hook_contract.py fails when a specification lacks a docstring, an
entry in docs/hooks.md, or a test of its own.

Implement a hook in your plugin's hooks module with the same name and any
subset of the arguments:

    from trato import hookimpl

    @hookimpl
    def navigation(user):
        return [NavItem("hello.index", _l("Hello"))]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .markers import hookspec

if TYPE_CHECKING:
    from flask import Blueprint
    from sqlalchemy.orm import Session

    from ..jobs import TaskRegistry
    from ..ui import Fragment, NavItem


@hookspec
def blueprints() -> list[Blueprint]:
    """Return the Flask blueprints that serve the plugin's pages.

    Called once per process for every installed plugin that loaded, enabled
    or not; while the plugin is disabled its routes answer 404. A blueprint
    must be named after the plugin or start with `<plugin>_`, and its URL
    prefix should be `/<plugin>`. Templates go under `templates/<plugin>/`.

    Example::

        bp = Blueprint("hello", __name__, url_prefix="/hello", template_folder="templates")

        @hookimpl
        def blueprints():
            return [bp]
    """


@hookspec
def navigation(user: Any) -> list[NavItem]:
    """Return the entries this plugin adds to the main menu for `user`.

    Called on every full page render, for enabled plugins only. Entries are
    sorted by `priority` (lower first), then by label. Return an empty list to
    hide the menu from a user who may not use it.

    Example::

        @hookimpl
        def navigation(user):
            return [NavItem(endpoint="hello.index", label=_l("Greetings"), priority=50)]
    """


@hookspec
def dashboard_widgets(user: Any) -> list[Fragment]:
    """Return the widgets this plugin puts on `user`'s home dashboard.

    A widget is a `Fragment`: a title, a template and its context, and a
    priority; the core renders each in a card, lower priority first.

    Example::

        @hookimpl
        def dashboard_widgets(user):
            count = db.session().scalar(select(func.count()).select_from(Greeting))
            return [Fragment(_l("Greetings"), "hello/widget.html", {"count": count})]
    """


@hookspec
def detail_panels(entity: str, record: Any, user: Any) -> list[Fragment]:
    """Return panels to show on the detail page of another plugin's record.

    `entity` names the record's entity (`user`, `contacts_account`, ...);
    return `[]` for entities the plugin has nothing to say about. This is how
    one plugin adds to another's page without either importing the other.

    Example::

        @hookimpl
        def detail_panels(entity, record, user):
            if entity != "user":
                return []
            return [Fragment(_l("Greetings sent"), "hello/panel.html", {"who": record})]
    """


@hookspec
def register_tasks(tasks: TaskRegistry) -> None:
    """Register the plugin's background tasks and periodic schedules.

    Called once per process for every installed plugin that loaded; `tasks`
    is bound to the plugin, so task names come out as `<plugin>.<name>`.
    Periodic tasks run in `trato worker` and are skipped while the plugin is
    disabled. A task function receives a `JobContext` first.

    Example::

        @hookimpl
        def register_tasks(tasks):
            tasks.periodic("tick", tick, crontab(minute="*"))
            tasks.task("recount", recount)
    """


@hookspec
def cli_commands() -> list[Any]:
    """Return click commands to add under `trato <plugin> ...`.

    Called once when the command line starts, for every loaded plugin; the
    commands refuse to run while the plugin is disabled.

    Example::

        @click.command("greet")
        def greet():
            click.echo("hello")

        @hookimpl
        def cli_commands():
            return [greet]
    """


@hookspec
def demo_data(session: Session, locale: str) -> None:
    """Add believable demo records for a new install, in `locale` (`en` or `es`).

    Called by `trato demo` and `trato init --demo` for each enabled plugin, in
    dependency order (a plugin's `requires` first). Add to `session`; the
    core commits once at the end, so a failure leaves no demo data behind.

    Example::

        @hookimpl
        def demo_data(session, locale):
            session.add(Greeting(text="Hola" if locale == "es" else "Hello"))
    """


@hookspec
def plugin_enabled(name: str) -> None:
    """Called in the process that enabled plugin `name`, after its migrations ran.

    Use it for one-off set-up that is not schema, such as default rows that
    other plugins' records need. It runs inside the enabling transaction:
    raising refuses the enable and rolls everything back.
    """


@hookspec
def plugin_disabled(name: str) -> None:
    """Called in the process that disabled plugin `name`. Its data stays.

    Plugins that cache something about another plugin drop it here.
    """
