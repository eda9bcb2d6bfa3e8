"""The app a screen runs in, typed as botui's own: one accessor instead of casts in each screen.

Textual types `node.app` as any `App`; the queue, detail and other screens call entry points
only `BotuiApp` has (`open_detail`, `run_triage`, `open_form`...). Nothing is imported or
checked at run time (the screens load before, and apart from, `botui.tui.app`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from botui.tui.app import BotuiApp


def botui_app(node: DOMNode) -> BotuiApp:
    """The running app as `BotuiApp`. A screen that tests also mount on a bare host app looks
    an entry point up with `getattr(self.app, name, None)` instead (detail's triage, the
    typing guard), and copes when it is missing."""
    return cast("BotuiApp", node.app)
