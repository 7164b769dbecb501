"""The daily backup, as a periodic task, keeping the newest `backup_keep` archives in `backup_dir`.

Only archives this task wrote (`trato-scheduled-*.tar.gz`) are ever deleted:
the backup `trato upgrade` takes first, and whatever else an operator keeps
in the folder, stay. The names sort by time, so the newest are the last.
"""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from .archive import create_archive, source_of
from .extension import TratoState

PREFIX = "trato-scheduled-"


def take_backup(st: TratoState) -> Path | None:
    """Write today's archive and delete the oldest beyond `backup_keep`; None when scheduled backups are off."""
    keep = st.settings.backup_keep
    if keep == 0:
        return None
    folder = st.settings.backup_path
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PREFIX}{datetime.now(UTC):%Y%m%d-%H%M%S-%f}.tar.gz"
    create_archive(source_of(st), target)
    for old in sorted(folder.glob(f"{PREFIX}*.tar.gz"))[:-keep]:
        old.unlink(missing_ok=True)
    return target
