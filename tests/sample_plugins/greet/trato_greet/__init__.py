"""Greetings: a sample plugin with one of every hook, for the core's tests."""
from flask_babel import lazy_gettext as _l

from trato import Plugin

plugin = Plugin(
    name="greet",
    label=_l("Greetings"),
    hooks="trato_greet.hooks",
    hookspecs="trato_greet.hookspecs",
    core=">=0.1,<1",
    description=_l("Send greetings to your colleagues."),
)
