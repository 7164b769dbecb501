"""Forms of any entity, built from its field metadata: the inputs to show, and the values a submission asks for.

Text goes to the record service as the field type reads text (`from_text`),
so a form, a CSV cell and a query parameter mean the same thing; the service
then validates it once for every path. Money has two inputs (amount and
currency) and a date-time is typed in the user's time zone.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import get_timezone
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from .. import access, db, records
from ..companies.field import choices as company_choices
from ..currencies import current_codes
from ..entities import Entity, UnknownEntity
from ..entities.record import WRITABLE_SYSTEM_FIELDS
from ..fields import Field, FieldValueError, Money, error_sentences, localize
from ..fields.money import company_currency
from ..i18n import _
from ..models import User
from ..roles.models import Team

# Widgets that are not typed into a form: files come in as attachments.
NOT_IN_FORMS = frozenset({"file"})


@dataclass(frozen=True)
class Input:
    """One form control with its value, choices and errors, as the template renders it."""

    name: str
    label: str
    widget: str
    required: bool
    help: str
    value: str = ""
    values: Sequence[str] = ()  # the chosen options of a multi-select
    currency: str = ""
    options: Sequence[tuple[str, str]] = ()
    errors: Sequence[str] = field(default_factory=list)
    section: str | None = None
    readonly: bool = False
    new_label: str = ""  # "New account": the user may add a record to a relation's choices from the form
    lookup: str = ""  # where a relation or user field's picker asks for matches (views/pickers.py)
    refresh: str = ""  # where to ask for the input that follows this one (`refreshes`) when it changes
    refreshes: str = ""


def form_fields(entity: Entity, user: Any) -> list[tuple[Field, bool]]:
    """The fields the user fills in, each with whether their role makes it read-only."""
    rules = access.field_rules(user, entity)
    chosen = [f for f in entity.fields.values()
              if (not f.system or (f.name in WRITABLE_SYSTEM_FIELDS and not entity.parent)) and not f.system_set
              and f.type.widget not in NOT_IN_FORMS]
    chosen.sort(key=lambda f: (f.system, f.position))
    return [(f, rules.get(f.name) == "readonly") for f in chosen if rules.get(f.name) != "hidden"]


def defaults(entity: Entity) -> dict[str, Any]:
    """The values a new record's form starts from: the fields' defaults."""
    return {f.name: f.default for f in entity.fields.values() if f.default is not None}


def _target(f: Field) -> Entity | None:
    """The entity a relation field points to; None when it is gone (its plugin disabled)."""
    from ..presentation import entities

    try:
        return entities().get(f.type.target(f))
    except UnknownEntity:
        return None


def _choices(f: Field, user: Any, current: Any) -> list[tuple[str, str]]:
    """What a relation or user field's picker starts with: its current value alone, named; the picker asks
    for the rest as the user types (views/pickers.py). Teams are few, so a team field offers them all."""
    if f.type.widget == "team":
        return [(str(i), name) for i, name in db.session().execute(select(Team.id, Team.name).order_by(Team.name))]
    if f.type.widget == "company":
        return company_choices()
    if not current:
        return []
    if f.type.widget == "record_link":  # the linked record, named as the user may see it
        from ..fields.links import as_link
        from ..records.links import title_text, titles

        link = as_link(current)  # a form sent back with its errors holds the API's object
        return [(str(link), title_text(titles([link], user).get(link)))]
    if f.type.widget == "user":
        return [(str(current), name) for name in db.session().scalars(select(User.name).where(User.id == current))]
    target = _target(f)
    if target is None:
        return []
    try:
        found = records.query(target, user=user).where({"id": current}).page(limit=1).items
    except access.PermissionRefused:
        return []
    from .pickers import shown_title  # pickers reads the signed-in user from here

    hidden = access.hidden_fields(user, target)
    return [(str(r.id), shown_title(target, r, hidden)) for r in found]


def _lookup(f: Field) -> str:
    """The URL a relation or user field's picker asks for matches as the user types; "" for other fields."""
    if f.type.widget == "user":
        return url_for("records.users_lookup")
    if f.type.widget == "record_link":
        from .link_picker import lookup_url

        return lookup_url(f)
    target = _target(f) if f.type.widget == "relation" else None
    return url_for("records.lookup", entity=target.name) if target is not None else ""


def _new_label(f: Field, user: Any, readonly: bool) -> str:
    """The text of the "New account" button by a relation whose target the user may add to; else ""."""
    target = _target(f) if f.type.widget == "relation" and not readonly else None
    if target is None or not access.allowed(user, target, "create"):
        return ""
    return _("New %(entity)s", entity=target.text.lower())


def as_text(f: Field, value: Any) -> str:
    """A stored value as the text its input shows."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # to the second, so that a save that leaves it alone keeps it
        return value.astimezone(get_timezone()).replace(tzinfo=None).isoformat(timespec="seconds")
    return f.type.input_text(f, value)  # numbers in the user's locale, as `submitted` reads them


def inputs(entity: Entity, values: Mapping[str, Any], errors: Mapping[str, Sequence[str]], user: Any,
           texts: Mapping[str, str] | None = None, only: Collection[str] | None = None) -> list[Input]:
    """The form's inputs showing `values` (a record's), or `texts` as submitted when a save was refused;
    `only` those fields when given (a small form, or one select put back into a form)."""
    from .dependent import linked  # it builds on this module

    return linked(entity, [_input(f, readonly, values, errors, user, texts) for f, readonly
                           in form_fields(entity, user) if only is None or f.name in only])


def _input(f: Field, readonly: bool, values: Mapping[str, Any], errors: Mapping[str, Sequence[str]], user: Any,
           texts: Mapping[str, str] | None) -> Input:
    value = values.get(f.name)
    widget = f.type.widget
    text = texts.get(f.name, "") if texts is not None else as_text(f, value)
    chosen: Sequence[str] = ()
    if widget == "multiselect":
        chosen = (texts.get(f.name, "").split("\n") if texts is not None else [str(v) for v in value or ()])
    options: Sequence[tuple[str, str]] = [(o.value, o.text) for o in f.options]
    from .dependent import choices, within

    parent = within(f)
    if parent:  # a stage follows the pipeline: the parent's stages, in a plain select
        options = choices(f, user, texts.get(parent) if texts is not None else values.get(parent))
    elif widget in ("relation", "user", "team", "company", "record_link"):
        options = _choices(f, user, value)
    currency = ""
    if widget == "money":
        currency = (texts or {}).get(f"{f.name}_currency", "") if texts is not None else (
            value.currency if isinstance(value, Money) else f.settings.get("currency") or company_currency()) or ""
    return Input(
        name=f.name, label=localize(f.label), widget=widget,
        required=f.required and widget != "checkbox", help=localize(f.help), value=text, values=chosen,
        currency=currency, options=options, errors=[str(m) for m in errors.get(f.name, [])],
        section=f.section, readonly=readonly, new_label=_new_label(f, user, readonly),
        lookup="" if parent else _lookup(f),
    )


def sections(items: Sequence[Input]) -> list[tuple[str, list[Input]]]:
    """Inputs grouped by section, sections in the order their first field comes."""
    grouped: dict[str, list[Input]] = {}
    for item in items:
        grouped.setdefault(item.section or "", []).append(item)
    return list(grouped.items())


def currencies() -> list[str]:
    """The codes a money input offers: ISO 4217's current ones, not the 300 Babel knows, the company's first."""
    return current_codes()


def submitted(entity: Entity, form: MultiDict[str, str], user: Any
              ) -> tuple[dict[str, Any], dict[str, str], dict[str, list[str]]]:
    """What a submitted form asks for: (values for the record service, the texts as typed, errors).

    Read-only fields are left out, so the service keeps what is stored. A
    value whose text cannot be read (a letter in a number) is an error at its
    field, and the form is shown again with the text as typed.
    """
    values: dict[str, Any] = {}
    texts: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for f, readonly in form_fields(entity, user):
        if readonly:
            continue
        widget = f.type.widget
        if widget == "checkbox":
            values[f.name] = f.name in form
            continue
        if widget == "multiselect":
            picked = [v for v in form.getlist(f.name) if v]
            texts[f.name] = "\n".join(picked)
            values[f.name] = picked
            continue
        text = form.get(f.name, "").strip()
        texts[f.name] = text
        if widget == "money":
            currency = form.get(f"{f.name}_currency", "").strip().upper()
            texts[f"{f.name}_currency"] = currency
            text = f"{text} {currency}" if text and currency else text
        if not text:
            values[f.name] = [] if widget == "tags" else None
            continue
        if widget == "datetime":
            text = _local_to_utc(text)
        try:
            values[f.name] = f.type.from_typed(f, text)
        except FieldValueError as exc:
            errors[f.name] = [str(exc)]
    return values, texts, errors


def _local_to_utc(text: str) -> str:
    """A `datetime-local` input's text, read in the user's time zone, as an ISO instant."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text  # the field type refuses it with its own message
    if moment.tzinfo is None:
        zone = get_timezone()  # pytz: `localize` finds the offset in force on that day
        moment = zone.localize(moment) if hasattr(zone, "localize") else moment.replace(tzinfo=zone)
    return moment.isoformat()


def form_errors(errors: Mapping[str, Any]) -> dict[str, list[str]]:
    """`ValidationFailed.errors` as sentences per field; a money field's nested `amount`/`currency` messages
    (or a list's per item) are all its own, never shown as a dict."""
    return {str(name): error_sentences(messages) for name, messages in errors.items()}


def signed_in() -> Any:
    return current_user._get_current_object()
