"""A module loaded when one of its names is first read, for what the first screen never needs.

`schemas = lazy_module("botui.domain.schemas")` binds a stand-in: the first `schemas.Backorder`
imports the module (importlib's lock makes that safe from any thread) and keeps the name, so
later reads cost what a module attribute costs. botui's UI opens its first screen without
pydantic this way (issue 12): the schemas load when an action or a later read first needs them.
Import the module itself under `if TYPE_CHECKING:` beside it, for type checkers and the layers'
contracts.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """Stands for the module `name` until a name of it is read; then is that module's names."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_lazy_name", name)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):  # copy, pickle and inspect probe dunders: not names
            raise AttributeError(attribute)
        value = getattr(importlib.import_module(self._lazy_name), attribute)
        object.__setattr__(self, attribute, value)  # read once: later reads are plain
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self._lazy_name!r}>"


def lazy_module(name: str) -> Any:
    """A stand-in for the module `name`, imported when one of its names is first read."""
    return LazyModule(name)
