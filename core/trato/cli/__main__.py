"""`python -m trato.cli` runs the `trato` command (used where the script is not on PATH)."""
from . import main

main()
