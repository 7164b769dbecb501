"""A plugin that adds a panel to accounts' pages and data to a person's export, as sales will, without importing
contacts."""
from trato import Plugin

plugin = Plugin(name="panelled", label="Panelled", hooks="trato_panelled.hooks", core=">=0.1,<1")
