"""The core's plugin machinery: markers, metadata, discovery, the host and the switch."""
from .markers import hookimpl, hookspec
from .plugin import Plugin

__all__ = ["Plugin", "hookimpl", "hookspec"]
