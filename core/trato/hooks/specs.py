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

    from ..fields import FieldType
    from ..jobs import TaskRegistry
    from ..records import RecordData
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
            count = session().scalar(select(func.count()).select_from(Greeting))
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
    """Return click commands to run as `trato <plugin> <command>`.

    Called once per process for every installed plugin that loaded, enabled
    or not. The commands go into a group named after the plugin, which
    refuses to run them while the plugin is disabled ("plugin hello is not
    enabled; trato plugins enable hello"). They run inside an app context,
    so `trato.session()` works in them.

    Example::

        @click.command("greet")
        @click.option("--name", default="world")
        def greet(name):
            click.echo(f"hello {name}")

        @hookimpl
        def cli_commands():
            return [greet]   # trato hello greet --name Ana
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
def plugin_enabled(name: str, session: Session) -> None:
    """Called in the process that enabled plugin `name`, after its migrations ran.

    Use it for one-off set-up that is not schema, such as default rows that
    other plugins' records need. `session` is bound to the enabling
    transaction: add rows to it (do not commit); raising refuses the enable
    and rolls back the migrations and the rows alike.

    Example::

        @hookimpl
        def plugin_enabled(name, session):
            if name == "sales" and not session.scalar(select(Pipeline.id).limit(1)):
                session.add(Pipeline(name="Sales"))
    """


@hookspec
def plugin_disabled(name: str) -> None:
    """Called in the process that disabled plugin `name`. Its data stays.

    Plugins that cache something about another plugin drop it here.
    """


@hookspec
def field_types() -> list[FieldType]:
    """Return the field types this plugin adds, as `trato.FieldType` instances.

    Called once per process for every loaded plugin. A type's `name` must
    start with `<plugin>_`; it becomes available to the plugin's models (pass
    the instance to `trato.field(...)`) and to admins' custom fields. Subclass
    a built-in type to inherit its storage and change only what differs.

    Example::

        class Rating(IntegerType):
            name = "hello_rating"
            widget = "hello_stars"
            cell = "hello_stars"

            def schema_field(self, field, **kwargs):
                return super().schema_field(field, validate=Range(1, 5), **kwargs)

        @hookimpl
        def field_types():
            return [Rating()]
    """


@hookspec
def entities() -> list[type]:
    """Return the plugin's entity models: SQLAlchemy models that mix in `trato.Record`.

    Called once per process for every loaded plugin; the entities are offered
    while the plugin is enabled. A model's table must start with `<plugin>_`
    (the table name is the entity's name), and the model sets
    `__entity__ = EntityInfo(label, plural, title, search, list_columns)`.
    Field metadata comes from the columns: declare them with `trato.field()`
    (type, label, options, help, filterable, section, position). The plugin's
    migrations create the table with `*record_columns()` first.

    Example::

        class Greeting(Record, Base):
            __tablename__ = "hello_greeting"
            __entity__ = EntityInfo(_l("Greeting"), _l("Greetings"), title="text")
            text: Mapped[str] = field("text", label=_l("Text"), required=True)

        @hookimpl
        def entities():
            return [Greeting]
    """


@hookspec
def before_save(entity: str, values: dict[str, Any], previous: RecordData | None, user: Any) -> str | None:
    """Check or complete a record before the record service writes it; return a message to refuse.

    Called for every create and update (bulk ones included), for enabled
    plugins, after validation and the access check. `values` holds every
    field of the record as it will be saved and may be changed in place (to
    fill a computed field); `previous` is the record as stored, None on
    create; `user` is who saves (None for the system). Returning a message
    (a translated string) refuses the save: nothing is written and the caller
    gets a `SaveRefused` error carrying it. Return None to let it through.

    Example::

        @hookimpl
        def before_save(entity, values, previous, user):
            if entity == "hello_greeting" and "spam" in (values["text"] or ""):
                return _("Greetings may not contain spam.")
            return None
    """


@hookspec
def after_save(entity: str, record: RecordData, previous: RecordData | None, user: Any) -> None:
    """React to a record that was just created or updated (bulk ones included).

    Runs inside the saving transaction, before its commit: records written
    here through `trato.records` commit together with it, and raising undoes
    the whole save. `previous` is None on create. Queue slow work as a job.

    Example::

        @hookimpl
        def after_save(entity, record, previous, user):
            if entity == "sales_deal" and record["stage"] == "won" and (previous or {}).get("stage") != "won":
                submit("sales.celebrate", deal_id=record.id)
    """


@hookspec
def after_delete(entity: str, record: RecordData, user: Any) -> None:
    """React to a record that was just moved to the recycle bin (soft delete).

    Runs inside the deleting transaction, before its commit; raising undoes
    the delete. `record` is the record as it was deleted (`deleted_at` set).
    Restoring a record calls no hook; purging is a separate, later step.

    Example::

        @hookimpl
        def after_delete(entity, record, user):
            if entity == "contacts_account":
                log.info("account %s deleted by %s", record.id, user)
    """


@hookspec
def records_purged(entity: str, ids: list[int], session: Session) -> None:
    """Forget what the plugin keeps about records removed for good from the recycle bin.

    Called inside the purge's transaction, after the rows are gone and
    before the commit; raising undoes the purge. `ids` are the removed
    records of `entity`; write through `session`, the purge's own, so that
    rows the plugin keeps per record (comments, scores, links) go with the
    records or not at all. The core's notes, activities and attachments
    are forgotten the same way.

    Example::

        @hookimpl
        def records_purged(entity, ids, session):
            session.execute(delete(Comment).where(Comment.entity == entity, Comment.record_id.in_(ids)))
    """
