"""What the activity services refuse, with a message for a person."""
from __future__ import annotations

from ..errors import TratoError


class ActivityError(TratoError):
    """Bad input; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(TratoError):
    """The user may not change or delete this (not the author, not an administrator)."""
