"""The signed-in person's mail settings: the name and address their mail goes out with, their signature, and
which notifications they also want by email."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from .. import db
from ..activity import notifications
from ..i18n import _, _l
from ..mail import identity
from ..users import EMAIL_RE
from .profile import bp

NOTIFY_CHOICES = [SelectChoice(notifications.CHANGE, _l("Someone changes a record I follow")),
                  SelectChoice(notifications.DELETE, _l("Someone moves a record I follow to the recycle bin")),
                  SelectChoice(notifications.REMINDER, _l("A reminder of one of my activities is due")),
                  SelectChoice(notifications.ASSIGNED, _l("Someone gives me an activity"))]


class MailSettingsForm(FlaskForm):
    sender_name = StringField(_l("Sender name"), validators=[Length(max=200)],
                              description=_l("Empty: your name."))
    sender_email = StringField(_l("Sender address"), validators=[
        Optional(), Length(max=254), Regexp(EMAIL_RE, message=_l("This is not an email address."))],
        description=_l("Empty: the server's sending address, with replies to your sign-in address. The mail "
                       "server must accept this address as a sender."))
    signature = TextAreaField(_l("Signature"), validators=[Length(max=2000)], render_kw={"rows": 4})
    notify = SelectMultipleField(_l("Also email me when"), choices=NOTIFY_CHOICES,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


@bp.route("/mail", methods=["GET", "POST"])
@login_required
def mail_settings() -> Any:
    session = db.session()
    me = current_user._get_current_object()
    mine = identity.profile(session, me)
    form = MailSettingsForm(data={"sender_name": mine.sender_name, "sender_email": mine.sender_email,
                                  "signature": mine.signature, "notify": list(mine.notify or [])})
    if form.validate_on_submit():
        mine.sender_name = (form.sender_name.data or "").strip()
        mine.sender_email = (form.sender_email.data or "").strip().lower()
        mine.signature = (form.signature.data or "").strip()
        mine.notify = list(form.notify.data or [])
        session.merge(mine)
        session.commit()
        flash(_("Your mail settings are saved."), "success")
        return redirect(url_for("profile.mail_settings"))
    return render_template("profile/mail.html", form=form), 422 if request.method == "POST" else 200
