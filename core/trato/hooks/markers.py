"""pluggy markers for the `trato` project name."""
import pluggy

PROJECT = "trato"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
