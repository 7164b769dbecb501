"""pluggy markers for the `trato` project name, and `for_entities` for hooks about records."""
from collections.abc import Callable
from typing import TypeVar

import pluggy

PROJECT = "trato"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

F = TypeVar("F", bound=Callable[..., object])
ENTITIES_ATTR = "trato_entities"


def for_entities(*names: str) -> Callable[[F], F]:
    """Declare the entities a record hook implementation (`before_save`, `after_save`, `before_delete`,
    `after_delete`) is about: the core then calls the plugin for those entities only, and a save or delete of
    any other entity (a bulk import of thousands included) skips it without a call.

        @hookimpl
        @for_entities("sales_deal", "sales_lead")
        def after_save(entity, record, previous, user): ...

    A plugin whose every implementation of the hook declares entities is left out for the others; one
    implementation without the declaration is called for every entity, as before."""
    def mark(function: F) -> F:
        setattr(function, ENTITIES_ATTR, frozenset(names))
        return function

    return mark
