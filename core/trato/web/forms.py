"""Flask-WTF forms of the core's pages.

Addresses are checked with the rule of `users.create_user`, which the CLI uses
too, so the web and the CLI agree on what an address is; WTForms' `Email()`
needs the email_validator package and a stricter rule. Signing in does not
judge the address at all: an unknown one simply fails to authenticate.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import _l
from ..passwords import MIN_LENGTH
from ..users import EMAIL_RE


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))


class AccessForm(FlaskForm):
    """A user's role and teams; the views put in the roles and teams of the database."""

    role = SelectField(_l("Role"), validate_choice=False)
    teams = SelectMultipleField(_l("Teams"), coerce=int, validate_choice=False,
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class InviteForm(AccessForm):
    """A new user who will choose a password through a one-time link."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254),
                                                  Regexp(EMAIL_RE, message=_l("This is not an email address."))])


class UserForm(InviteForm):
    """A new user whose first password the administrator sets."""

    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=MIN_LENGTH)])
