"""Trade: accounts and deals with one field of every type, for the entity engine's tests."""
from flask_babel import lazy_gettext as _l

from trato import Plugin

plugin = Plugin(
    name="trade",
    label=_l("Trade"),
    hooks="trato_trade.hooks",
    core=">=0.1,<1",
    description=_l("Accounts and deals."),
)
