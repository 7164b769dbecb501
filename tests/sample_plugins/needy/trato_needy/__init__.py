"""A sample plugin that requires greet, for the dependency tests."""
from trato import Plugin

plugin = Plugin(name="needy", label="Needy", hooks="trato_needy.hooks", requires=["greet"])
