"""A sample plugin whose first migration works and whose second fails after changing things,
for the tests of `trato upgrade` leaving the database as it was (issue 17)."""
from trato import Plugin

plugin = Plugin(name="twostep", label="Two steps", hooks="trato_twostep.hooks")
