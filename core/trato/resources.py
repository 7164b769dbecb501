"""Where the files that ship beside the code are: the checkout or the wheel.

The wheel maps migrations/ and themes/ into `trato/_bundled/`; a checkout
(editable install) keeps them at the top of the repository.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    bundled = _PACKAGE / "_bundled" / name
    if bundled.is_dir():
        return bundled
    checkout = _PACKAGE.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"{name}/ is neither bundled in the package nor beside it in a checkout")


def package_dir() -> Path:
    return _PACKAGE
