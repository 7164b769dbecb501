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
    from collections.abc import Callable, Mapping
    from datetime import date

    from flask import Blueprint
    from sqlalchemy.orm import Session

    from ..access import Permission
    from ..api.actions import ApiAction
    from ..api.endpoints import ApiEndpoint
    from ..currencies import Rate
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
def api_actions() -> list[ApiAction]:
    """Return the calls on one record that the plugin adds to the REST API.

    Each `ApiAction(entity, name, handler, method="POST", status=200)` is
    served as `METHOD /api/v1/<entity>/<id>/<name>`, for enabled plugins
    only, with the API's bearer token (a POST needs a read and write
    token), `Idempotency-Key` on POST and problem+json for every refusal.
    `handler(record_id, body, user)` gets the JSON object sent (None for a
    GET) and returns what to answer as JSON; it reads and writes through
    `trato.records` with `user`, so access rules apply, and raises to refuse:
    `ValidationFailed({"field": [message]})` is a 422 naming each field,
    `RecordNotFound` a 404, `SaveRefused` a 422, `StaleRecord` a 412.
    Document the action in the plugin's README; for the OpenAPI document
    give it a `summary=` (a lazy string) and JSON Schemas of the body it
    `takes=` and of what it `answers=`.

    Example::

        def close(record_id, body, user):
            ticket = records.get("help_ticket", record_id, user=user)
            if not isinstance(body.get("reason"), str):
                raise ValidationFailed({"reason": [_("Say why the ticket is closed.")]})
            closed = records.update("help_ticket", record_id, {"status": "closed"}, user=user,
                                    version=ticket.version)
            return {"id": closed.id, "version": closed.version}

        @hookimpl
        def api_actions():
            return [ApiAction("help_ticket", "close", close)]
    """


@hookspec
def api_endpoints() -> list[ApiEndpoint]:
    """Return the REST calls the plugin adds under `/api/v1/<plugin>/`, beside its entities' records.

    Each `ApiEndpoint(path, handler, method="GET", status=200, permission=None)`
    is served as `METHOD /api/v1/<plugin>/<path>`; `path` is relative, with
    `<name>` and `<int:name>` variables. Called once per process for every
    loaded plugin; while the plugin is disabled its calls answer 404. They
    take the API's bearer token (anything but a GET needs a read and write
    token), count against its rate limits, answer every refusal as
    problem+json, and a POST takes an `Idempotency-Key`. `handler(call,
    **url_values)` gets an `ApiCall` (`user`, `body`: the JSON object sent,
    None for a GET or DELETE; `query`: the query string) and returns what to
    answer as JSON (None for an empty answer, with `status=204`; a
    `flask.Response`, such as a file, is answered as it is). It reads
    and writes through `trato.records` with `call.user`, so access rules
    apply, and raises to refuse: `ValidationFailed({"field": [message]})` is
    a 422 naming each field, `RecordNotFound` a 404, `PermissionRefused` a
    403. `permission=` names a permission of the `permissions` hook the
    caller must hold (else 403 before the handler runs). `summary=` (a lazy
    string) and the JSON Schemas `takes=` and `answers=` describe the call in
    the OpenAPI document.

    Example::

        def board(call):
            tickets = records.query("help_ticket", user=call.user).where({"status": "open"}).page(limit=50)
            return {"open": [{"id": t.id, "title": t["title"]} for t in tickets.items]}

        def escalate(call, ticket_id):
            if not isinstance(call.body.get("reason"), str):
                raise ValidationFailed({"reason": [_("Say why the ticket is escalated.")]})
            ticket = records.get("help_ticket", ticket_id, user=call.user)
            return {"id": ticket.id, "reason": call.body["reason"]}

        @hookimpl
        def api_endpoints():
            return [ApiEndpoint("board", board, summary=_l("Open tickets")),
                    ApiEndpoint("tickets/<int:ticket_id>/escalate", escalate, method="POST",
                                permission="help.escalate")]
    """


@hookspec
def navigation(user: Any) -> list[NavItem]:
    """Return the entries this plugin adds to the main menu for `user`.

    Called on every full page render, for enabled plugins only. Entries are
    sorted by `priority` (lower first), then by label. The side menu lists
    them under their `group` (an area label; plugins that give the same label
    share the area; none: above every area), each with its `icon` (a Tabler
    icon name, https://tabler.io/icons). Return an empty list to hide the menu
    from a user who may not use it.

    Example::

        @hookimpl
        def navigation(user):
            return [NavItem(endpoint="hello.index", label=_l("Greetings"), priority=50,
                            group=_l("Tools"), icon="mood-smile")]
    """


@hookspec
def dashboard_widgets(user: Any) -> list[Fragment]:
    """Return the widgets this plugin puts on `user`'s home dashboard.

    A widget is a `Fragment`: a title, a template and its context, and a
    priority; the core renders each in a card, lower priority first. This is
    the home page's slot (as `page_slot`'s `dashboard`, whose cards it shares):
    a widget that raises, or whose template fails, is logged and left out.

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
    one plugin adds to another's page without either importing the other:
    the detail page's side-column slot (stacked under the tabs on a phone;
    `page_slot` fills the others). A panel that raises is logged and left out.

    Example::

        @hookimpl
        def detail_panels(entity, record, user):
            if entity != "user":
                return []
            return [Fragment(_l("Greetings sent"), "hello/panel.html", {"who": record})]
    """


@hookspec
def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    """Return the fragments this plugin puts in a named place of a generic page.

    Called on each page render for each `slot` the page has:

    - `record_header`: buttons in a record's header, next to Edit;
    - `record_menu`: entries of the header's "More actions" menu;
    - `record_alerts`: notices above a record's page;
    - `record_tabs`: tabs of the detail page (the fragment's title is the
      tab's label, its template the tab's content; its `tab=` key is the
      template's path made URL-safe: `sales/account_deals.html` →
      `sales-account-deals`, and `-2` added to a second tab drawn from the
      same template);
    - `form_sections`: sections at the end of a record's form (`record` is
      None on a new record's form);
    - `list_actions`: buttons in a list's page head;
    - `list_mass_actions`: buttons of a list's mass-action bar; they submit
      the bar's form (`ids`, the ticked records, and `csrf_token`) to the
      URL in their `formaction`;
    - `list_row_actions`: links on each row of a list, asked once per page
      and rendered once per row with `row_id` added to the context;
    - `dashboard`: cards on the home page (`entity` and `record` are None).

    `entity` names the page's entity and `record` is the page's record (a
    `RecordData`, None on lists, new forms and the home page): return `[]`
    for the entities and slots the plugin has nothing to add to, and for a
    `user` who may not use what you add. Fragments are sorted by priority
    (lower first), then title. A plugin whose hook raises, or a fragment
    whose template fails, is logged and left out; the page stands.

    The core's templates `slots/button.html` (context `href`, `label`,
    optional `icon`, a Tabler icon name) and `slots/mass_button.html`
    (`action`, the URL the ticked ids are posted to, `label`, optional
    `icon`) draw the usual buttons; in `slots/button.html` an `href` with
    `{id}` gets the row's id in a row action. `dashboard_widgets` and
    `detail_panels` are slots too, kept as hooks of their own.

    Example::

        @hookimpl
        def page_slot(slot, entity, record, user):
            if entity != "contacts_account":
                return []
            if slot == "record_header" and access.allowed(user, "trade_invoice", "create"):
                return [Fragment(_l("New invoice"), "slots/button.html",
                                 {"href": url_for("records.new", entity="trade_invoice",
                                                  account_id=record.id),
                                  "label": _l("New invoice"), "icon": "receipt"})]
            if slot == "record_tabs":
                return [Fragment(_l("Invoices"), "invoices/account_tab.html", {"account": record})]
            return []
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
def before_save(entity: str, values: dict[str, Any], previous: RecordData | None,
                user: Any) -> str | Mapping[str, str] | None:
    """Check or complete a record before the record service writes it; return a message to refuse.

    Called for every create and update (bulk ones included), for enabled
    plugins, after validation and the access check. `values` holds every
    field of the record as it will be saved and may be changed in place (to
    fill a computed field); `previous` is the record as stored, None on
    create; `user` is who saves (None for the system). Returning a message
    (a translated string) refuses the save: nothing is written and the caller
    gets a `SaveRefused` error carrying it. Returning a mapping of field
    names to messages refuses those fields instead: the caller gets a
    `ValidationFailed` keyed like the schema's own errors (by row index or
    record id first in bulk calls), so a form shows the message at its
    field, the API answers 422 naming it and an import names the column.
    Return None to let it through.

    Example::

        @hookimpl
        def before_save(entity, values, previous, user):
            if entity == "hello_greeting" and "spam" in (values["text"] or ""):
                return _("Greetings may not contain spam.")
            if entity == "hello_greeting" and values["text"] == "?":
                return {"text": _("Say something more than a question mark.")}
            return None
    """


@hookspec
def after_save(entity: str, record: RecordData, previous: RecordData | None, user: Any) -> None:
    """React to a record that was just created or updated (bulk ones included).

    Runs inside the saving transaction, before its commit: records written
    here through `trato.records` commit together with it, and raising undoes
    the whole save. `previous` is None on create. Queue slow work as a job.
    Declare the entities an implementation is about with `trato.for_entities`
    (it works for `before_save`, `before_delete` and `after_delete` too):
    saves of any other entity, bulk imports included, then skip the plugin
    without a call.

    Example::

        @hookimpl
        @for_entities("sales_deal")
        def after_save(entity, record, previous, user):
            if record["stage"] == "won" and (previous or {}).get("stage") != "won":
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
def before_delete(entity: str, record: RecordData, user: Any) -> str | None:
    """Refuse to delete a record: return a message, or None to let it go.

    Called for every delete and mass delete (before the record moves to the
    recycle bin) and before a purge, by hand or by the retention job
    (`user` None), for enabled plugins. A message refuses: nothing is
    deleted and the caller gets a `SaveRefused` error carrying it (a page
    shows it, the API answers 422, a mass delete changes nothing); the
    retention job leaves the record in the bin. Locked records are refused
    before this hook is asked (see `record_lock`).

    Example::

        @hookimpl
        def before_delete(entity, record, user):
            if entity == "contacts_account" and has_open_invoices(record.id):
                return _("This account has open invoices.")
            return None
    """


@hookspec
def record_lock(entity: str, record: RecordData) -> str | None:
    """Lock a record, of the plugin's own entities or another plugin's: return why, or None.

    A locked record (an issued invoice, a signed contract) and its lines
    refuse update, delete and purge through every path: forms, in-place
    edits, mass actions, the API (409), imports and the recycle bin; the
    caller gets a `RecordLocked` error carrying the reason. Only the
    entity's `EntityInfo(unlocked_fields=...)` may still change. Asked after
    the entity's own `EntityInfo(locked=...)` rule, with the record as
    stored before the change; keep it cheap, it runs for every record
    written. See docs/locks.md.

    Example::

        @hookimpl
        def record_lock(entity, record):
            if entity == "projects_project" and record["status"] == "invoiced":
                return _("the project is invoiced")
            return None
    """


@hookspec
def exchange_rates(on: date) -> list[Rate]:
    """Return exchange rates for day `on`, from a feed the plugin knows (a central bank, a paid service).

    Called once a day (the core's `fetch_exchange_rates` task, at 06:23)
    with today's date, for enabled plugins only. Return
    `trato.currencies.Rate(from_currency, to_currency, on, rate, source)`
    values: one unit of `from_currency` buys `rate` (a Decimal) units of
    `to_currency`. They replace the rates of the same currencies and day;
    a rate with an unknown currency or a rate that is not positive is
    logged and left out. Raise to give none (the task fails and is logged).

    Example::

        @hookimpl
        def exchange_rates(on):
            return [currencies.Rate("EUR", code, on, Decimal(value), "ECB")
                    for code, value in ecb_reference_rates(on).items()]
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


@hookspec
def permissions() -> list[Permission]:
    """Return the permissions beyond entity CRUD that the plugin's features check.

    Called whenever the roles admin lists them (a role's page shows each as
    a box to tick) and when a role's are saved, for enabled plugins only.
    Give each `Permission` a name prefixed with the plugin's, a label and a
    description (translated lazily). Check one with
    `trato.access.granted(user, name)`; the administrator role holds every
    permission, and the system (`user=None`) too.

    Example::

        @hookimpl
        def permissions():
            return [Permission("hello_moderate", _l("Moderate greetings"),
                               _l("Hide other people's greetings."))]
    """


@hookspec
def duplicate_finders() -> dict[str, Callable[[Mapping[str, Any], Any], list[Any]]]:
    """Return how to find the existing records that look like a new one, for the plugin's entities.

    Return `{entity: find}`. `find(values, user)` gets a record's field
    values (a stored record, a form's values before the first save, or an
    import row's values read from its cells) and returns candidates, closest
    first: objects with `record` (a `RecordData` `user` may see; its
    `entity` may be another one, such as a contact a lead already is) and
    `reasons` (a tuple of words such as "email", "phone", "name", "tax_id").
    The core's import uses the finder to skip or update rows that match an
    existing record (`--on-match`); Contacts' form warning, duplicates
    panel, lookup and merge screen use it too. The first plugin to name an
    entity wins; called for enabled plugins only.

    Example::

        class Candidate(NamedTuple):
            record: RecordData
            reasons: tuple[str, ...]

        def find(values, user):
            email = (values.get("email") or "").strip()
            found = records.query("help_ticket", user=user).where({"email": email}).page(limit=5).items \\
                if email else []
            return [Candidate(record, ("email",)) for record in found]

        @hookimpl
        def duplicate_finders():
            return {"help_ticket": find}
    """


@hookspec
def document_context(entity: str, record: RecordData | None, context: dict[str, Any], user: Any) -> None:
    """Add merge fields to the document of a record of `entity` (trato.documents), in place in `context`.

    Called after the core has built its merge fields (`record`, `fields`,
    `related`, `lines`, `company`, `today`, `user`, `document`), in the
    document's language (`_()` translates into it), for enabled plugins
    only. Add plain data only (text, numbers, lists and dicts of them),
    formatted for the reader, and nothing the user may not see: templates
    run sandboxed and print what they get. `record` is None when the
    template editor checks a template against sample merge fields: add the
    same keys then, with sample values, so that a template using them can be
    saved.

    Example::

        @hookimpl
        def document_context(entity, record, context, user):
            if entity == "invoicing_invoice":
                context["taxes"] = [{"rate": "21 %", "base": "100,00 €", "amount": "21,00 €"}] \\
                    if record is None else tax_breakdown(record)
    """


@hookspec(firstresult=True)
def mail_received(mail: Any) -> tuple[str, int] | None:
    """Claim a message that came in by mail: return `(entity, record_id)` of the record it belongs to, or None.

    Called once per message taken in (IMAP poller, `trato mail-in`, or
    `POST /api/v1/mail/in`), for enabled plugins, after the core matched it
    by conversation and addresses and before it deals with an unknown
    sender; the first plugin that answers claims it (email to case). `mail`
    is a `trato.mailin.MailInfo`: `id`, `message_id`, `subject`, `sender`,
    `sender_name`, `recipients`, `body` (plain text), `source` ("imap",
    "pipe", "http"), `mailbox` (its name or None), `matches` (the
    `(entity, id)` records it was matched to) and `auto_submitted` (an
    out-of-office or other machine reply: do not answer it). The record
    returned (say, a case the plugin created with `records.create(...,
    user=None)`) gets the message on its timeline with its attachments,
    beside the matched ones, and the message is marked claimed. Runs inside
    the intake's transaction under a savepoint: raising undoes what the
    plugin wrote and the message is logged as if unclaimed, with a note.
    Our own messages coming back (loops) are never offered.

    Example::

        @hookimpl
        def mail_received(mail):
            if mail.mailbox != "support" or mail.auto_submitted:
                return None
            case = records.create("service_case", {"subject": mail.subject, "email": mail.sender}, user=None)
            return "service_case", case.id
    """
