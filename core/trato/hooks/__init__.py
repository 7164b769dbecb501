"""The core's plugin machinery: markers, metadata, discovery, the host and the switch."""
from .markers import for_entities, hookimpl, hookspec
from .plugin import Plugin

__all__ = ["Plugin", "for_entities", "hookimpl", "hookspec"]
