"""A sample plugin whose migration fails half-way, for the rollback tests."""
from trato import Plugin

plugin = Plugin(name="badmig", label="Bad migration", hooks="trato_badmig.hooks")
