"""A plugin that hears of converted leads through sales' lead_converted hook, without importing sales."""
from trato import Plugin

plugin = Plugin(name="salesfollower", label="Sales follower", hooks="trato_salesfollower.hooks", core=">=0.1,<1")
