"""How VeriFactu plugs into Trato and into invoicing: one function per hook (see Trato's docs/hooks.md)."""
from __future__ import annotations
