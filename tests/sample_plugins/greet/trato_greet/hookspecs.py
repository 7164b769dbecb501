"""Hooks this plugin publishes for other plugins."""
from trato import hookspec


@hookspec
def greeting_sent(text: str) -> None:
    """Called after a greeting is saved; `text` is what it says."""
