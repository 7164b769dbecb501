"""What an import or export refuses, with a message for a person."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import TratoError
from ..i18n import _


class TransferError(TratoError):
    """The file or the request cannot be used at all; nothing was written."""


@dataclass(frozen=True)
class RowError:
    """Why one row of the file was not imported. `row` counts like a spreadsheet: the header is row 1."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s", row=self.row, column=self.column,
                     message=self.message)
        return _("Row %(row)s: %(message)s", row=self.row, message=self.message)
