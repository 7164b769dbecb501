"""Admin pages of mail in: the mailboxes (IMAP settings and what to do with unknown senders) and the inbox of
messages that wait for a decision (log on a record, make a lead, discard)."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, IntegerField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from .. import db
from ..i18n import _, _l
from ..web.admin import admin_required, bp
from . import imap, inbox
from .models import SECURITY, UNKNOWN_INBOX, UNKNOWN_LEAD, Mailbox, ReceivedMail

PAGE = 50
STATUS_LABELS = {"inbox": _l("Waiting"), "logged": _l("Logged on records"), "claimed": _l("Claimed by a plugin"),
                 "lead": _l("Lead made"), "discarded": _l("Discarded"), "loop": _l("Our own mail, come back")}


class MailboxForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=64),
                                               Regexp(r"^[a-z0-9][a-z0-9_-]*$", message=_l(
                                                   "Use lower-case letters, digits, - and _."))])
    active = BooleanField(_l("Poll this mailbox"), default=True)
    host = StringField(_l("IMAP server"), validators=[Optional(), Length(max=255)],
                       description=_l("Leave empty for a mailbox that only the MTA pipe or the HTTP endpoint "
                                      "deliver to."))
    port = IntegerField(_l("Port"), default=993, validators=[DataRequired(), NumberRange(1, 65535)])
    security = SelectField(_l("Security"), choices=[
        SelectChoice("ssl", _l("TLS (port 993)")), SelectChoice("starttls", _l("STARTTLS")),
        SelectChoice("none", _l("None (only on a trusted network)"))])
    username = StringField(_l("User name"), validators=[Optional(), Length(max=255)])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=255)],
                             description=_l("Leave empty to keep the password saved."))
    folder = StringField(_l("Folder"), default="INBOX", validators=[DataRequired(), Length(max=255)])
    unknown_senders = SelectField(_l("Mail from unknown senders"), choices=[
        SelectChoice(UNKNOWN_INBOX, _l("Waits in the inbox for an administrator")),
        SelectChoice(UNKNOWN_LEAD, _l("Becomes a new lead"))])
    lead_entity = SelectField(_l("Leads are made in"))

    def validate_lead_entity(self, field: SelectField) -> None:
        if self.unknown_senders.data == UNKNOWN_LEAD and not field.data:
            raise ValidationError(_("Choose where leads are made."))

    def validate_username(self, field: StringField) -> None:
        if self.host.data and not field.data:
            raise ValidationError(_("Enter the user name to sign in to the IMAP server."))


def _entity_choices() -> list[tuple[str, str]]:
    return [(e.name, e.text) for e in inbox.lead_entities()]


def _lead_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("None"))] + [SelectChoice(name, label) for name, label in _entity_choices()]


def _mailbox_form(box: Mailbox | None) -> MailboxForm:
    form = MailboxForm(obj=box) if request.method == "GET" else MailboxForm()
    form.lead_entity.choices = _lead_choices()
    if box is not None and request.method == "GET":
        form.password.data = ""
    return form


@bp.get("/mail-in/mailboxes")
@admin_required
def mail_in_mailboxes() -> Any:
    boxes = list(db.session().scalars(select(Mailbox).order_by(Mailbox.name)))
    return render_template("admin/mail/mailboxes.html", boxes=boxes)


@bp.route("/mail-in/mailboxes/new", methods=["GET", "POST"], defaults={"box_id": None})
@bp.route("/mail-in/mailboxes/<int:box_id>", methods=["GET", "POST"])
@admin_required
def mail_in_mailbox(box_id: int | None) -> Any:
    session = db.session()
    box = session.get(Mailbox, box_id) if box_id else None
    if box_id and box is None:
        abort(404)
    form = _mailbox_form(box)
    if form.validate_on_submit():
        taken = session.scalar(select(Mailbox.id).where(Mailbox.name == form.name.data,
                                                        Mailbox.id != (box.id if box else 0)))
        if taken is None:
            target = box or Mailbox(password="", last_uid=0, last_error="")
            keep = target.password
            form.populate_obj(target)
            target.host = (target.host or "").strip()
            target.password = form.password.data or keep
            target.security = target.security if target.security in SECURITY else "ssl"
            session.add(target)
            session.commit()
            flash(_("The mailbox %(name)s is saved.", name=target.name), "success")
            return redirect(url_for("admin.mail_in_mailboxes"))
        form.name.errors = [*form.name.errors, _("Another mailbox has this name.")]
    status = 422 if request.method == "POST" else 200
    return render_template("admin/mail/mailbox.html", form=form, box=box), status


@bp.post("/mail-in/mailboxes/<int:box_id>/poll")
@admin_required
def mail_in_poll(box_id: int) -> Any:
    if db.session().get(Mailbox, box_id) is None:
        abort(404)
    done = imap.poll(box_id)
    if done.error:
        flash(_("The mailbox could not be read: %(error)s", error=done.error), "error")
    else:
        flash(_("New messages taken in: %(taken)s (already known: %(known)s).", taken=done.taken,
                known=done.duplicates), "success")
    return redirect(url_for("admin.mail_in_mailboxes"))


@bp.get("/mail-in")
@admin_required
def mail_in_inbox() -> Any:
    return _inbox_page(request.args.get("status", "inbox"))


def _inbox_page(status: str, refused: tuple[int, str, str] | None = None) -> Any:
    """The inbox listing messages of `status`; `refused` is (message id, field, why) of a refused decision."""
    if status not in STATUS_LABELS:
        status = "inbox"
    query = select(ReceivedMail).where(ReceivedMail.status == status).order_by(ReceivedMail.id.desc())
    before = request.args.get("before", type=int)
    if before:
        query = query.where(ReceivedMail.id < before)
    rows = list(db.session().scalars(query.limit(PAGE + 1)))
    counts = dict(db.session().execute(select(ReceivedMail.status, func.count()).group_by(ReceivedMail.status)).all())
    return render_template("admin/mail/inbox.html", rows=rows[:PAGE], status=status, labels=STATUS_LABELS,
                           counts=counts, older=rows[PAGE - 1].id if len(rows) > PAGE else None,
                           entities=_entity_choices(), refused=refused), 422 if refused else 200


@bp.post("/mail-in/<int:mail_id>/<decision>")
@admin_required
def mail_in_decide(mail_id: int, decision: str) -> Any:
    if db.session().get(ReceivedMail, mail_id) is None or decision not in ("attach", "lead", "discard"):
        abort(404)
    entity = request.form.get("entity", "")
    try:
        if decision == "discard":
            inbox.discard(mail_id)
            flash(_("The message is discarded."), "success")
        elif decision == "lead":
            inbox.lead(mail_id, entity)
            flash(_("A lead was made and the message logged on it."), "success")
        else:
            record_id = request.form.get("record_id", type=int)
            if not record_id:
                raise inbox.DecisionRefused(_("Enter the number of the record."), "record_id")
            inbox.attach(mail_id, entity, record_id)
            flash(_("The message is logged on the record."), "success")
    except inbox.DecisionRefused as exc:
        return _inbox_page("inbox", (mail_id, exc.field or decision, str(exc)))
    return redirect(url_for("admin.mail_in_inbox"))
