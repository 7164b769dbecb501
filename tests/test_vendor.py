"""Every vendored front-end file is the one its README row names: same bytes (sha256), licence beside it.

A file changed by hand, or updated without its row, would ship code nobody reviewed under a version
the table no longer describes.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = [ROOT / "themes" / "default" / "static" / "vendor", ROOT / "tests" / "browser_assets"]
ROW = re.compile(r"^\|[^|]+\|[^|]+\|[^|]+\|\s*`(?P<file>[^`]+)`[^|]*\|"
                 r"(?P<licence>[^|]+)\|\s*(?P<sha>[0-9a-f]{64})\s*\|$")


def _rows() -> list[tuple[Path, str, tuple[str, ...], str]]:
    """(folder, file, licence files, sha256) per row of each folder's README; a licence cell "as above"
    names the previous row's files."""
    rows: list[tuple[Path, str, tuple[str, ...], str]] = []
    for folder in FOLDERS:
        for line in (folder / "README.md").read_text(encoding="utf-8").splitlines():
            match = ROW.match(line)
            if match:
                named = tuple(re.findall(r"`([^`]+)`", match["licence"]))
                if not named and "as above" in match["licence"] and rows:
                    named = rows[-1][2]
                rows.append((folder, match["file"], named, match["sha"]))
    return rows


def test_the_table_lists_files() -> None:
    assert len(_rows()) >= 4


@pytest.mark.parametrize(("folder", "name", "licences", "sha"), _rows(), ids=lambda v: str(v)[-40:])
def test_vendored_file_matches_its_row(folder: Path, name: str, licences: tuple[str, ...], sha: str) -> None:
    assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha
    assert licences, f"{name}: the row names no licence file"
    for licence_file in licences:
        assert (folder / licence_file).is_file(), licence_file
