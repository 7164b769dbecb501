"""Mail in: messages from an IMAP mailbox, an MTA pipe or the HTTP endpoint, taken in once and logged on the
records they belong to (docs/mail.md).

    from trato.mailin import MailInfo    # what the `mail_received` hook receives
"""
from .intake import MailInfo, Taken, take
from .parse import NotAMessage

__all__ = ["MailInfo", "NotAMessage", "Taken", "take"]
