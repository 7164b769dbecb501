"""Errors that carry a message meant for a person, not a traceback."""


class TratoError(Exception):
    """A failure the user can act on; the CLI prints it as one line."""


class ConfigError(TratoError):
    """A setting is missing, malformed or points at something unusable."""


class PluginError(TratoError):
    """A plugin cannot be enabled, disabled or purged as asked."""


class MigrationError(TratoError):
    """A migration failed; the transaction around it was rolled back."""
