"""A read-only instance folder stops `trato init`, `trato run` and the WSGI app at start with one line naming it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .support.live import free_port

# Root is not stopped by a folder's permissions: the folder is then mounted read-only in a user namespace.
AS_ROOT = ['unshare', '-r', '-m', 'sh', '-c', 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"']


def _read_only(folder: Path) -> list[str]:
    """The prefix that runs a command with `folder` read-only for it."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return []
    if shutil.which("unshare") is None or subprocess.run([*AS_ROOT, str(folder), "true"],
                                                         capture_output=True).returncode:
        pytest.skip("running as root without user namespaces: no way to make a folder read-only")
    return [*AS_ROOT, str(folder)]


@pytest.mark.parametrize("command", [["-m", "trato.cli", "init"], ["-m", "trato.cli", "run", "--no-reload"],
                                     ["-c", "import trato.wsgi"]])
@pytest.mark.parametrize("set_up", [False, True])
def test_a_read_only_instance_folder_is_one_line_naming_it(tmp_path, command, set_up):
    folder = tmp_path / "instance"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRATO_")} | {"TRATO_INSTANCE_PATH": str(folder)}
    if set_up:  # an instance that worked until its folder became read-only
        subprocess.run([sys.executable, "-m", "trato.cli", "init"], env=env, check=True, capture_output=True,
                       timeout=120)
    if "run" in command:
        command = [*command, "--port", str(free_port())]
    done = subprocess.run([*_read_only(folder), sys.executable, *command], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    said = done.stderr.strip()
    assert done.returncode != 0
    assert "Traceback" not in said and len(said.splitlines()) == 1, said
    reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
    assert said == (f"Error: the instance folder {folder} is not writable ({reason}): Trato keeps its secret key, "
                    "SQLite database, job queue and uploads there; make it writable by the user running Trato, or "
                    "set TRATO_INSTANCE_PATH to another folder")
