"""Forms of the sign-in steps and the profile pages."""
from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..i18n import LANGUAGES, _l
from ..passwords import MIN_LENGTH
from ..tokens import SCOPES

_TIMEZONES = sorted(available_timezones())


def _new_password(label: Any) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)])


def _repeat(field: str) -> PasswordField:
    return PasswordField(_l("Repeat the new password"),
                         validators=[DataRequired(), EqualTo(field, message=_l("The two passwords differ."))])


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])


class ChoosePasswordForm(FlaskForm):
    password = _new_password(_l("New password"))
    repeat = _repeat("password")


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = _new_password(_l("New password"))
    repeat = _repeat("password")


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Language"))
    timezone = SelectField(_l("Time zone"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = [SelectChoice("", _l("As the browser asks")),
                               *(SelectChoice(code, name) for code, name in LANGUAGES.items())]
        self.timezone.choices = [SelectChoice("", _l("The server's default")), *map(SelectChoice, _TIMEZONES)]


class TokenForm(FlaskForm):
    name = StringField(_l("What it is for"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(_l("Access"), choices=[SelectChoice(k, v) for k, v in SCOPES.items()], default="read")
    days = SelectField(_l("Expires"), default="90", choices=[
        SelectChoice("7", _l("in 7 days")), SelectChoice("30", _l("in 30 days")),
        SelectChoice("90", _l("in 90 days")), SelectChoice("365", _l("in a year")), SelectChoice("0", _l("never")),
    ])

