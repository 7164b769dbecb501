"""Where imports and exports keep their files: `imports/` and `exports/` in the instance folder."""
from __future__ import annotations

import csv
import re
import shutil
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from flask import current_app

from ..i18n import _
from .errors import RowError
from .reading import Source


def folder(kind: str) -> Path:
    """`imports` or `exports` in the instance folder, made if missing."""
    path = Path(current_app.extensions["trato"].settings.instance_path) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_upload(source: Source, file_name: str) -> Path:
    """A copy of the uploaded file in the instance folder, where the import job reads it."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(file_name).name)[-80:] or "import.csv"
    target = folder("imports") / f"{uuid.uuid4().hex}-{safe}"
    if isinstance(source, bytes):
        target.write_bytes(source)
    else:
        shutil.copyfile(source, target)
    return target


def append_errors(path: Path, header: Sequence[str], delimiter: str, failed: Iterable[tuple[list[str], list[RowError]]]
                  ) -> None:
    """Add rows that failed to the error file: their cells as read, then what was wrong (one cell)."""
    new = not path.exists()
    with open(path, "a", encoding="utf-8-sig" if new else "utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        if new:
            writer.writerow([*header, _("Error")])
        for cells, errors in failed:
            writer.writerow([*cells, "; ".join(str(error) for error in errors)])
