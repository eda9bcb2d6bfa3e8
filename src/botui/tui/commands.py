"""The command palette (ctrl+p) lists every action bound where it was opened, by description."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from botui.tui.keymap import key_label
from botui.tui.screens.help import ours, same_action


class BindingCommands(Provider):
    """One command per bound action of the screen below the palette, with its keys as help."""

    def commands(self) -> list[tuple[str, str, partial]]:
        """What the palette offers: (description, keys, run) for each action bound below it."""
        seen: dict[tuple[str, str], tuple[str, str, partial]] = {}
        for active in ours(self.screen.active_bindings.values()):
            binding = active.binding
            if binding.action == "command_palette":
                continue
            name = same_action(binding)
            keys = key_label(binding.key)
            if name in seen:
                keys = f"{seen[name][1]} {keys}"
            run = partial(self.app.run_action, binding.action, active.node)
            seen[name] = (binding.description, keys, run)
        return list(seen.values())

    async def discover(self) -> Hits:
        for description, keys, run in self.commands():
            yield DiscoveryHit(description, run, help=f"key: {keys}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for description, keys, run in self.commands():
            score = matcher.match(description)
            if score > 0:
                yield Hit(score, matcher.highlight(description), run, help=f"key: {keys}")
