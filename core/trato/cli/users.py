"""`trato user ...`: create users, set passwords, list them, make API tokens."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import db, security_log, tokens
from ..errors import TratoError
from ..models import User
from ..roles.membership import ADMINISTRATOR
from ..roles.models import Role
from ..users import create_user, find_by_email, set_password
from .common import refreshed_state


@click.group("user", help="Create users, set passwords, list users.")
def user_group() -> None:
    pass


@user_group.command("create", help="Create a user with EMAIL.")
@click.argument("email")
@click.option("--name", default="", help="Full name (defaults to the email).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters.")
@click.option("--admin", is_flag=True, help="Make the user an administrator (the administrator role).")
@click.option("--role", default=None, help="The role's name (default: the default_role setting).")
@click.option("--locale", type=click.Choice(["en", "es"]), default=None, help="The user's language.")
@with_appcontext
def create(email: str, name: str, password: str, admin: bool, role: str | None, locale: str | None) -> None:
    refreshed_state()
    if admin and role and role != ADMINISTRATOR:
        raise click.UsageError("--admin and --role name different roles; give one of them")
    session = db.session()
    user = create_user(session, email, name, password, is_admin=admin, locale=locale, role=role)
    security_log.record(session, security_log.USER_CREATED, user, method="command line")
    session.commit()
    held = session.get(Role, user.role_id)
    click.echo(f"Created user {user.email} with the role {held.name if held else '-'}.")


@user_group.command("set-password", help="Set the password of EMAIL and end the user's sessions.")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def set_pw(email: str, password: str) -> None:
    refreshed_state()
    session = db.session()
    user = find_by_email(session, email)
    if user is None:
        raise TratoError(f"no user has the email {email}")
    set_password(session, user, password)
    security_log.record(session, security_log.PASSWORD_RESET, user, method="command line")
    session.commit()
    click.echo(f"Password of {user.email} changed; their other sessions have ended.")


@user_group.command("list", help="List users.")
@with_appcontext
def list_users() -> None:
    refreshed_state()
    for user in db.session().scalars(select(User).order_by(User.email)):
        flags = ", ".join(f for f, on in (("admin", user.is_admin), ("inactive", not user.active)) if on)
        click.echo(f"{user.email:<36} {user.name:<28} {flags}")


@user_group.command("token", help="Make an API token for EMAIL and print it; it is shown this once only.")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, as the user's token list shows it.")
@click.option("--scope", type=click.Choice(sorted(tokens.SCOPES)), default=tokens.READ, show_default=True,
              help="read: GET calls only; write: read and write.")
@click.option("--days", type=click.IntRange(min=1), default=None, help="Expire after this many days (default: never).")
@with_appcontext
def make_token(email: str, name: str, scope: str, days: int | None) -> None:
    refreshed_state()
    session = db.session()
    user = find_by_email(session, email)
    if user is None:
        raise TratoError(f"no user has the email {email}")
    _token, text = tokens.create(session, user, name, scope, days)
    session.commit()
    click.echo(f"Token {name.strip()!r} ({scope}) for {user.email}; copy it now, it is not shown again:", err=True)
    click.echo(text)


def register(cli: click.Group) -> None:
    cli.add_command(user_group)
