"""The audit screen: who changed which record or account, when and from where, with filters and CSV export.

Read only: the screen and its export are GET routes; nothing in the
application edits or removes an audit row or a security event.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask import Response, current_app, render_template, request, stream_with_context
from flask_babel import get_timezone
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from .. import db, security_log
from ..activity import changes
from ..entities import UnknownEntity
from ..i18n import _, _l
from ..models import User, utcnow
from ..records import audit as record_audit
from . import audit_feed
from .admin import admin_required, bp

PAGE_SIZE = 50
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("at", "kind", "action", "description", "user", "account", "entity", "record_id", "ip", "details")


FIRST_YEAR, LAST_YEAR = 1900, 9998  # a day's bounds in any time zone stay within what datetime holds


def _date(form: FlaskForm, field: Any) -> None:
    if field.data:
        try:
            day = date.fromisoformat(field.data)
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(_("Enter a date between the years %(first)d and %(last)d.",
                                    first=FIRST_YEAR, last=LAST_YEAR))


class AuditFilterForm(FlaskForm):
    """The filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    who = StringField(_l("Who"), validators=[Optional(), Length(max=254)],
                      description=_l("Part of a name or an email address"))
    action = SelectField(_l("What"), validators=[Optional()])
    entity = SelectField(_l("Entity"), validators=[Optional()])
    record_id = StringField(_l("Record id"), validators=[
        Optional(), Regexp(r"^[1-9][0-9]{0,8}$", message=_l("Enter a record id: a whole number above zero."))])
    since = StringField(_l("From"), validators=[Optional(), _date], render_kw={"type": "date"})
    until = StringField(_l("To"), validators=[Optional(), _date], render_kw={"type": "date"})
    ip = StringField(_l("From address"), validators=[
        Optional(), Length(max=45),
        Regexp(r"^[0-9A-Fa-f:.]+$", message=_l("Enter an IP address, or its beginning (such as 192.168.)."))])

    def validate_until(self, field: Any) -> None:
        if field.data and self.since.data and not self.since.errors and field.data < self.since.data:
            raise ValidationError(_("The end date comes before the start date."))


def _form() -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args)
    kinds = [(k, str(v)) for k, v in audit_feed.RECORD_ACTIONS.items()]
    kinds += sorted(((k, str(v)) for k, v in security_log.LABELS.items()), key=lambda c: c[1])
    form.action.choices = [("", _("Anything"))] + kinds
    entities = current_app.extensions["trato"].entities.all()
    form.entity.choices = [("", _("Any"))] + sorted(((e.name, e.plural_text) for e in entities), key=lambda c: c[1])
    return form


def _utc(day: str, days_after: int = 0) -> datetime:
    """Midnight at the start of `day` (plus some days) in the user's time zone, as UTC."""
    local = datetime.combine(date.fromisoformat(day) + timedelta(days=days_after), time())
    return get_timezone().localize(local).astimezone(timezone.utc)  # type: ignore[no-any-return]


def _filters(form: AuditFilterForm) -> audit_feed.Filters:
    data = form.data
    return audit_feed.Filters(
        who=(data["who"] or "").strip(), entity=data["entity"] or "", action=data["action"] or "",
        record_id=int(data["record_id"]) if data["record_id"] else None,
        since=_utc(data["since"]) if data["since"] else None,
        until=_utc(data["until"], 1) if data["until"] else None, ip=(data["ip"] or "").strip(),
    )


def show(value: Any) -> str:
    """An audited value (in its JSON form) as text; an erased one as the marker in the reader's language."""
    if value is None or value == "" or value == []:
        return "—"
    if value == record_audit.REDACTED:
        return _("[erased]")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(map(show, value))
    if isinstance(value, dict):
        if "amount" in value:
            return f"{value['amount']} {value.get('currency') or ''}".strip()
        if "name" in value:
            return str(value["name"])
        return ", ".join(f"{k}: {show(v)}" for k, v in value.items())
    return str(value)


def field_label(entity: str, name: str) -> str:
    """A field's label in the current language, or its name when the entity or field is gone."""
    if name == record_audit.BLOCK_REASON:
        return _("Reason for blocking")
    try:
        field = current_app.extensions["trato"].entities.get(entity).fields.get(name)
    except UnknownEntity:
        return name
    return field.text if field is not None else name


def entity_label(entity: str) -> str:
    try:
        return current_app.extensions["trato"].entities.get(entity).text
    except UnknownEntity:
        return entity


def _page(form: AuditFilterForm, status: int = 200) -> Any:
    rows: list[audit_feed.Row] = []
    following = None
    error = None
    if not form.errors:
        try:
            rows, following = audit_feed.page(db.session(), _filters(form), PAGE_SIZE,
                                              request.args.get("cursor") or None)
        except audit_feed.BadCursor as exc:
            error, status = str(exc), 400
    query = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return render_template("admin/audit.html", form=form, rows=rows, people=audit_feed.people(db.session(), rows),
                           readable=changes.for_audit_rows([r for r in rows if r.source == audit_feed.RECORD],
                                                           current_user),
                           query=query, next_cursor=following, error=error, show=show, field_label=field_label,
                           entity_label=entity_label, first_page=not request.args.get("cursor")), status


@bp.get("/audit")
@admin_required
def audit() -> Any:
    form = _form()
    return _page(form, 200 if form.validate() else 400)


def safe_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([safe_cell(v) for v in values])
    return out.getvalue()


def _details(row: audit_feed.Row) -> str:
    """A record change as `field: old → new; ...`, a security event's details as `key: value; ...`."""
    if row.source == audit_feed.RECORD:
        return "; ".join(f"{name}: {show(old)} → {show(new)}" for name, (old, new) in row.changes.items())
    return "; ".join(f"{key}: {show(value)}" for key, value in row.detail.items())


def _csv_rows(filters: audit_feed.Filters) -> Iterator[str]:
    session = db.session()
    yield _csv_line(list(CSV_COLUMNS))
    for rows in audit_feed.every_page(session, filters):
        people = audit_feed.people(session, rows)

        def email(user_id: int | None, people: dict[int, User] = people) -> str:
            user: User | None = people.get(user_id) if user_id is not None else None
            return user.email if user else ""

        for r in rows:
            yield _csv_line([r.at.isoformat(), r.source, r.action, r.label, email(r.user_id), email(r.subject_id),
                             r.entity, r.record_id, r.ip, _details(r)])


@bp.get("/audit.csv")
@admin_required
def audit_csv() -> Any:
    form = _form()
    if not form.validate():
        return _page(form, 400)
    filename = f"trato-audit-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(stream_with_context(_csv_rows(_filters(form))), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
