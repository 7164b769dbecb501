"""The pages of accounts and contacts: lists, detail pages and forms.

Every read goes through `trato.records.query`/`get` and every write through
`trato.records`, so access rules, validation, audit history and other
plugins' hooks apply here as they do to the API and imports.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import Forbidden

from trato import (
    PermissionRefused, QueryError, Record, RecordData, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed,
    access, records,
)

from .display import Presenter
from .forms import form_errors, inputs, submitted
from .models import Account, Contact

bp = Blueprint("contacts", __name__, url_prefix="/contacts", template_folder="templates")


@bp.errorhandler(PermissionRefused)
def refused(exc: PermissionRefused) -> Any:
    """What the user's role does not allow: the 403 page, with the policy's message."""
    flash(str(exc), "error")
    return current_app.handle_http_exception(Forbidden(str(exc)))

PAGE_SIZE = 50
CHOICES_LIMIT = 500


@dataclass(frozen=True)
class Kind:
    """One entity's pages: its model, its endpoints' stem and how its list is sorted and shown."""

    entity: str
    model: type[Record]
    one: str  # endpoint stem of one record: "account" → contacts.account, contacts.account_edit
    many: str  # endpoint of the list
    title: Any
    new_title: Any
    sort: str
    columns: tuple[str, ...]

    def name_of(self, record: Mapping[str, Any]) -> str:
        if self.entity == Contact.__tablename__:
            return " ".join(filter(None, (record.get("first_name"), record.get("last_name"))))
        return record.get("name") or f"#{record['id']}"


ACCOUNTS = Kind(Account.__tablename__, Account, "account", "accounts", _l("Accounts"), _l("New account"),
                "name", ("name", "industry", "billing_city", "billing_country", "owner_id"))
CONTACTS = Kind(Contact.__tablename__, Contact, "contact", "contacts", _l("Contacts"), _l("New contact"),
                "last_name,first_name", ("last_name", "first_name", "account_id", "job_title", "city", "owner_id"))


def detail_panels(entity: str, record: RecordData) -> list[Any]:
    """What the enabled plugins add to this record's page, by priority then title."""
    results = current_app.extensions["trato"].plugins.hook.detail_panels(entity=entity, record=record,
                                                                        user=current_user)
    return sorted((p for group in results if group for p in group), key=lambda p: (p.priority, str(p.title)))


def account_choices(exclude: int | None = None) -> list[tuple[str, str]]:
    """Accounts to pick for a relation field, by name."""
    found = records.query(ACCOUNTS.entity, user=current_user).order_by("name").page(limit=CHOICES_LIMIT)
    return [(str(r.id), r["name"]) for r in found.items if r.id != exclude]


def list_page(kind: Kind) -> str:
    text = request.args.get("q", "").strip()
    query = records.query(kind.entity, user=current_user).order_by(kind.sort)
    if text:
        query = query.search(text)
    try:
        page = query.page(limit=PAGE_SIZE, cursor=request.args.get("cursor") or None)
    except QueryError:
        abort(400)
    presenter = Presenter(kind.model, page.items, current_user)
    columns = [name for name in kind.columns if name not in presenter.hidden]
    rows = [(record, [presenter.show(record, name) for name in columns]) for record in page.items]
    return render_template("contacts/list.html", kind=kind, rows=rows, q=text, next_cursor=page.next_cursor,
                           headers=[presenter.label(name) for name in columns],
                           may_create=access.allowed(current_user, kind.entity, "create"))


def form_page(kind: Kind, record: RecordData | None, values: dict[str, Any], errors: dict[str, list[str]],
              message: str | None = None, status: int = 200) -> tuple[str, int]:
    choices = account_choices(exclude=record.id if record and kind is ACCOUNTS else None)
    fields = inputs(kind.model, values, errors, {"parent_id": choices, "account_id": choices},
                    access.field_rules(current_user, kind.entity))
    heading = _("Edit %(name)s", name=kind.name_of(record)) if record else kind.new_title
    return render_template("contacts/form.html", kind=kind, record=record, fields=fields, message=message,
                           heading=heading,
                           version=values.get("version", record.version if record else None)), status


def new_page(kind: Kind) -> Any:
    access.check(current_user, kind.entity, "create")
    if request.method == "GET":
        return form_page(kind, None, dict(request.args.items()), {})
    values = submitted(kind.model, request.form, access.field_rules(current_user, kind.entity))
    try:
        record = records.create(kind.entity, values, user=current_user)
    except ValidationFailed as exc:
        return form_page(kind, None, values, form_errors(exc.errors), _("Please correct the marked fields."), 422)
    except SaveRefused as exc:
        return form_page(kind, None, values, {}, str(exc), 422)
    flash(_("%(name)s was added.", name=kind.name_of(record)), "success")
    return redirect(url_for(f"contacts.{kind.one}", record_id=record.id))


def load(kind: Kind, record_id: int) -> RecordData:
    try:
        return records.get(kind.entity, record_id, user=current_user)
    except RecordNotFound:
        abort(404)


def edit_page(kind: Kind, record_id: int) -> Any:
    record = load(kind, record_id)
    access.check(current_user, kind.entity, "edit", record)
    if request.method == "GET":
        return form_page(kind, record, dict(record), {})
    values = submitted(kind.model, request.form, access.field_rules(current_user, kind.entity))
    version = request.form.get("version", type=int)
    try:
        saved = records.update(kind.entity, record_id, values, user=current_user, version=version)
    except ValidationFailed as exc:
        return form_page(kind, record, values | {"version": version}, form_errors(exc.errors),
                         _("Please correct the marked fields."), 422)
    except SaveRefused as exc:
        return form_page(kind, record, values | {"version": version}, {}, str(exc), 422)
    except StaleRecord:
        fresh = load(kind, record_id)
        message = _("Someone else saved this record while you were editing it. The form now shows their "
                    "version; make your changes again.")
        return form_page(kind, fresh, dict(fresh), {}, message, 409)
    flash(_("%(name)s was saved.", name=kind.name_of(saved)), "success")
    return redirect(url_for(f"contacts.{kind.one}", record_id=record_id))


def shown(kind: Kind, record: RecordData) -> dict[str, Any]:
    """The record's values less those the user's role hides, for a template to print as it likes."""
    return access.without_hidden(current_user, kind.entity, record)


def account_page(record_id: int) -> str:
    account = load(ACCOUNTS, record_id)
    people = (records.query(CONTACTS.entity, user=current_user).where({"account_id": account.id})
              .order_by(CONTACTS.sort).page(limit=PAGE_SIZE))
    children = (records.query(ACCOUNTS.entity, user=current_user).where({"parent_id": account.id})
                .order_by(ACCOUNTS.sort).page(limit=PAGE_SIZE))
    presenter = Presenter(Account, [account], current_user)
    return render_template("contacts/account.html", kind=ACCOUNTS, record=shown(ACCOUNTS, account),
                           fields=presenter.fields(account), owner=presenter.show(account, "owner_id"),
                           people=[shown(CONTACTS, p) for p in people.items], more_people=people.next_cursor,
                           children=[shown(ACCOUNTS, c) for c in children.items],
                           may_edit=access.allowed(current_user, ACCOUNTS.entity, "edit", account),
                           may_add=access.allowed(current_user, CONTACTS.entity, "create"),
                           panels=detail_panels(ACCOUNTS.entity, account))


def contact_page(record_id: int) -> str:
    contact = load(CONTACTS, record_id)
    presenter = Presenter(Contact, [contact], current_user)
    visible = shown(CONTACTS, contact)
    return render_template("contacts/contact.html", kind=CONTACTS, record=visible,
                           heading=CONTACTS.name_of(visible),
                           may_edit=access.allowed(current_user, CONTACTS.entity, "edit", contact),
                           fields=presenter.fields(contact), owner=presenter.show(contact, "owner_id"),
                           panels=detail_panels(CONTACTS.entity, contact))


def route(rule: str, endpoint: str, view: Callable[..., Any], methods: tuple[str, ...] = ("GET",)) -> None:
    bp.add_url_rule(rule, endpoint, login_required(view), methods=list(methods))


def bind(kind: Kind, view: Callable[..., Any]) -> Callable[..., Any]:
    """`view` for one kind of record, under a name of its own (Flask keys views by name)."""
    def bound(**kwargs: Any) -> Any:
        return view(kind, **kwargs)
    bound.__name__ = f"{view.__name__}_{kind.one}"
    return bound


@bp.get("/")
@login_required
def index() -> Any:
    return redirect(url_for("contacts.accounts"))


for _kind in (ACCOUNTS, CONTACTS):
    route(f"/{_kind.many}/", _kind.many, bind(_kind, list_page))
    route(f"/{_kind.many}/new", f"{_kind.one}_new", bind(_kind, new_page), ("GET", "POST"))
    route(f"/{_kind.many}/<int:record_id>/edit", f"{_kind.one}_edit", bind(_kind, edit_page), ("GET", "POST"))
route("/accounts/<int:record_id>", "account", account_page)
route("/contacts/<int:record_id>", "contact", contact_page)
