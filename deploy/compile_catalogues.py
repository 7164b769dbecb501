"""Compile the catalogues of the core and of the given plugin folders, where needed.

`trato i18n compile` always rewrites the .mo files; this compiles only a
project whose .mo is missing or serves other translations than its .po (the
same contents check as `trato i18n check`), so that an up-to-date checkout
stays untouched: recompiling would only change the date in each .mo header.

    python deploy/compile_catalogues.py [PLUGIN_FOLDER ...]
"""
from __future__ import annotations

import sys
from pathlib import Path

from trato import catalogues


def compile_stale(project: catalogues.Project) -> None:
    if any(catalogues.compile_problems(project)):
        for path in catalogues.compile_all(project):
            print(f"Compiled {path}")


def main(plugin_folders: list[Path]) -> None:
    compile_stale(catalogues.core_project())
    for folder in plugin_folders:
        if catalogues.has_catalogue(folder):
            compile_stale(catalogues.plugin_project(folder))


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]])
