"""The MTA door: `trato mail-in` reads one RFC 822 message on stdin, as Postfix's and Exim's pipe transports
deliver it, and answers with the exit codes of sysexits.h they understand."""
from __future__ import annotations

import logging
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import db
from ..cli.common import refreshed_state
from .intake import take
from .models import Mailbox
from .parse import NotAMessage

log = logging.getLogger("trato.mailin.pipe")
EX_OK = 0
EX_DATAERR = 65  # not a message: the MTA bounces it
EX_NOUSER = 67  # no such mailbox: bounced as an unknown recipient
EX_TEMPFAIL = 75  # anything else (the database away, a bug): the MTA keeps it and tries again


def deliver(raw: bytes, mailbox_name: str | None) -> int:
    """Take `raw` in for the mailbox of that name (None: no mailbox); the exit code for the MTA."""
    try:
        refreshed_state()
        box = None
        if mailbox_name:
            box = db.session().scalar(select(Mailbox).where(Mailbox.name == mailbox_name))
            if box is None:
                click.echo(f"trato mail-in: no mailbox called {mailbox_name!r}", err=True)
                return EX_NOUSER
        result = take(raw, "pipe", box)
    except NotAMessage as exc:
        click.echo(f"trato mail-in: refused, {exc}", err=True)
        return EX_DATAERR
    except Exception as exc:  # noqa: BLE001  (whatever it is, the MTA must keep the message and retry)
        log.exception("mail-in failed")
        click.echo(f"trato mail-in: not taken now, try again later: {type(exc).__name__}: {exc}", err=True)
        return EX_TEMPFAIL
    click.echo(f"{'already taken' if result.duplicate else 'taken'}: #{result.mail_id} {result.status}")
    return EX_OK


@click.command("mail-in", help="Take in one RFC 822 message from standard input (an MTA's pipe transport). "
                               "Exit 0 taken, 65 not a message, 67 unknown mailbox, 75 try again later.")
@click.option("--mailbox", "mailbox_name", default=None, help="The mailbox it was sent to (its unknown-sender "
                                                              "rule applies).")
@with_appcontext
def mail_in(mailbox_name: str | None) -> None:
    sys.exit(deliver(sys.stdin.buffer.read(), mailbox_name))


def register(cli: click.Group) -> None:
    cli.add_command(mail_in)
