"""The daily backup task writes a whole archive and keeps only the newest `backup_keep` (issue 17)."""
from __future__ import annotations

from pathlib import Path

from trato.archive import read_archive
from trato.jobs import JobContext
from trato.tasks import take_scheduled_backup


def test_the_task_writes_archives_and_keeps_the_newest(make_app, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    app = make_app(backup_dir=str(folder), backup_keep=2)
    folder.mkdir()
    (folder / "trato-before-upgrade-20261201-000000.tar.gz").write_bytes(b"kept by the operator")
    with app.app_context():
        written = [take_scheduled_backup(JobContext(app, None)) for _ in range(3)]

    kept = sorted(p.name for p in folder.glob("trato-scheduled-*.tar.gz"))
    assert kept == sorted(Path(w).name for w in written[1:])  # type: ignore[arg-type]
    assert (folder / "trato-before-upgrade-20261201-000000.tar.gz").read_bytes() == b"kept by the operator"
    manifest = read_archive(Path(written[-1]), tmp_path / "check")  # type: ignore[arg-type]
    assert manifest["database"]["file"] in manifest["files"]


def test_no_backups_when_keep_is_zero(make_app, tmp_path: Path) -> None:
    app = make_app(backup_dir=str(tmp_path / "backups"), backup_keep=0)
    with app.app_context():
        assert take_scheduled_backup(JobContext(app, None)) is None
    assert not (tmp_path / "backups").exists()
