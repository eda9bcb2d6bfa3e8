"""The `[keys]` table of the configuration as Textual's keymap: binding ids, or action names.

An entry names either one binding by its id (`"queue.fulfill" = "F"`: only the queue's) or an
action by the part after the dot (`fulfill = "F"`: the queue's and the detail screen's alike),
British spellings included (`fulfil`, as the contract's example writes it). An entry that names
no binding is refused before the UI opens, naming the file and line, never silently ignored.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from functools import cache

from textual.binding import Binding
from textual.dom import DOMNode
from textual.message_pump import MessagePump

from botui.domain.errors import BotuiError, validation

# Spellings staff may use for an action whose binding id is spelt otherwise.
ALIASES = {"fulfil": "fulfill"}
# How the help, the palette, the view bar and hints print a key Textual names otherwise.
KEY_NAMES = {
    "space": "Space",
    "enter": "Enter",
    "escape": "Esc",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "down": "↓",
    "up": "↑",
    "question_mark": "?",
    "slash": "/",
    "equals_sign": "=",
}


def key_label(key: str) -> str:
    """A key as printed on the keyboard: "ctrl+p" -> "^p", "pagedown" -> "PgDn"."""
    if key.startswith("ctrl+"):
        return "^" + key[5:]
    return KEY_NAMES.get(key, key)


def _bindings_of(module_name: str) -> Iterator[Binding]:
    module = importlib.import_module(module_name)
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, DOMNode)
            and value.__module__ == module_name
        ):
            for binding in value.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    yield binding


def user_key(node: MessagePump, binding_id: str, default: str) -> str:
    """The key `binding_id` has in the user's keymap ([keys] in the configuration; the first,
    if it names several), else `default`: the key as Textual names it ("C", "ctrl+f")."""
    keymap: Mapping[str, str] = getattr(node.app, "_keymap", {})  # App.set_keymap's map
    return keymap.get(binding_id, default).split(",")[0].strip()


@cache
def binding_ids() -> frozenset[str]:
    """Every binding id botui's screens and widgets declare ("queue.fulfill", "detail.edit"...)."""
    import pkgutil

    import botui.tui

    names = ["botui.tui.app"] + [
        found.name
        for found in pkgutil.walk_packages(botui.tui.__path__, "botui.tui.")
        if not found.ispkg
    ]
    return frozenset(
        binding.id for name in names for binding in _bindings_of(name) if binding.id is not None
    )


def expand(
    keys: Mapping[str, str], origin: Callable[[str], str] = lambda name: "the configuration"
) -> dict[str, str]:
    """The keymap for `App.set_keymap`: each entry as the binding ids it names.

    `origin(name)` says where an entry was written ("config.toml:12"), for the refusal.
    Raises a validation_error naming the entry when it names no binding.
    """
    if not keys:
        return {}  # nothing to check: the screens' modules stay unloaded until they open
    ids = binding_ids()
    keymap: dict[str, str] = {}
    for name, key in keys.items():
        if name in ids:
            keymap[name] = key
            continue
        action = ALIASES.get(name, name)
        matched = sorted(i for i in ids if i.split(".", 1)[1] == action)
        if not matched:
            raise unknown(name, origin(name))
        for binding_id in matched:
            keymap.setdefault(binding_id, key)
    # An id given whole wins over the same binding reached by its action's name.
    keymap.update({name: key for name, key in keys.items() if name in ids})
    return keymap


def unknown(name: str, where: str) -> BotuiError:
    actions = sorted({i.split(".", 1)[1] for i in binding_ids()})
    return validation(
        f"{where}: [keys] {name!r} names no key binding; write a binding id such as "
        f"'queue.fulfill' or an action such as 'fulfill' (actions: {', '.join(actions)})",
        "keys",
    )
