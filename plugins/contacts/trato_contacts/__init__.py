"""Contacts: accounts (organisations and private customers) and the people at them.

The entry point in pyproject.toml names `plugin`; Trato reads the metadata
below, imports `hooks`, and checks `core` against its own version.
"""
from flask_babel import lazy_gettext as _l

from trato import Plugin

plugin = Plugin(
    name="contacts",
    label=_l("Contacts"),
    hooks="trato_contacts.hooks",
    hookspecs="trato_contacts.hookspecs",
    core=">=0.1,<0.2",
    description=_l("Accounts and the people at them, with their details and marketing consent."),
)
