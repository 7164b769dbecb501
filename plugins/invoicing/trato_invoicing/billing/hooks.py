"""The billing part's hook implementations, each named `billing_<hook>` with `specname` (see ../hooks.py)."""
from __future__ import annotations

__all__: list[str] = []
