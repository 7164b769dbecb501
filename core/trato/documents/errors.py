"""What the renderer refuses, each with a message for the person who can fix it."""
from __future__ import annotations

from ..errors import TratoError


class DocumentError(TratoError):
    """A document cannot be rendered or kept as asked; the message says why."""


class TemplateRefused(DocumentError):
    """A template that does not compile, uses a merge field that does not exist or reaches for Python's
    internals; `line` is where, when known (an admin's editor shows it)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class PdfUnavailable(DocumentError):
    """WeasyPrint or the system libraries it needs (Pango) are missing on this machine."""
