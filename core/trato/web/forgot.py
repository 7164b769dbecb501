"""Forgot password: a person asks for a one-time link by email, with nothing said about which addresses exist.

The answer is the same page, with the same status, whether or not the
address belongs to an active account; the link goes out through the
outbox (a job), so the request does the same work either way (a worker is
woken in both cases). Requests are counted per address asked for and per
client address (trato.throttle), known addresses or not, and refused alike
past the limits.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from .. import client, db, invites, throttle
from ..i18n import LANGUAGES, _, _l
from ..mail import outbox
from ..models import User
from ..throttle import Limit
from ..users import find_by_email, normalise_email
from . import lockout
from .auth import bp

PER_EMAIL = Limit("reset.email", 3, 3600)
PER_ADDRESS = Limit("reset.ip", 20, 3600)


class ForgotForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


def _message(user: User, link: str, hours: int) -> tuple[str, str]:
    """The subject and text of the reset mail, in the user's language."""
    settings = current_app.extensions["trato"].settings
    language = user.locale if user.locale in LANGUAGES else settings.default_locale
    with force_locale(language):
        subject = _("Choose a new Trato password")
        text = "\n\n".join([
            _("Hello %(name)s,", name=user.name),
            _("Someone, we hope you, asked to choose a new password for your Trato account %(email)s. Open this "
              "link to do so:", email=user.email),
            link,
            _("The link works once, for %(hours)d hours. If you did not ask for it, ignore this message: your "
              "password stays as it is.", hours=hours),
        ]) + "\n"
    return subject, text


def _send_link(user: User) -> None:
    settings = current_app.extensions["trato"].settings
    dbs = db.session()
    token = invites.issue(dbs, settings, user, invites.RESET, None)
    link = settings.base_url.rstrip("/") + url_for("auth.choose_password", token=token)
    subject, text = _message(user, link, settings.invite_valid_hours)
    outbox.queue(dbs, sender=outbox.system_sender(), to=[user.email], subject=subject, text=text, kind="reset",
                 created_by=user.id)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> Any:
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form), 422 if request.method == "POST" else 200
    email = normalise_email(form.email.data or "")
    wait = throttle.hit([(PER_EMAIL, email), (PER_ADDRESS, client.address())])
    if wait is not None:
        error = _("Too many requests for a new password. Try again in %(minutes)d minutes.",
                  minutes=throttle.minutes(wait))
        return render_template("auth/forgot.html", form=form, error=error), 429, lockout.retry_after(wait)
    dbs = db.session()
    user = find_by_email(dbs, email)
    if user is not None and user.active:
        _send_link(user)
    dbs.commit()
    outbox.wake()  # known address or not: the same work in the request
    return render_template("auth/forgot_sent.html", email=email)
