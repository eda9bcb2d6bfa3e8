"""Running one service call from a worker: its answer, or the refusal in words.

Apart from the dialogs' field helpers (dialogs._fields, which load Textual's text area and
the domain's look-ups), so the queue's first screen can use it without loading those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from botui.domain.errors import BotuiError
from botui.domain.text import safe_for_terminal

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from botui.domain.service import Service

T = TypeVar("T")


def attempt(
    service: Service,
    call: Callable[[], T],
    backorder_id: str | None = None,
    *,
    small_cache: bool = False,
) -> tuple[T | None, BotuiError | None]:
    """Run one service call on this thread's own connection: its answer, or why it failed.

    `small_cache` for a worker's repeated reads (the service's session explains it).

    With `backorder_id`, a refusal because that backorder does not exist says who deleted it
    and when, instead of the command line's advice to check the id.
    """
    try:
        with service.session(small_cache=small_cache):
            return call(), None
    except BotuiError as error:
        if backorder_id is not None and error.code == "not_found" and error.field == "id":
            from botui.tui.dialogs._fields import gone

            why, _ = attempt(service, lambda: gone(service, backorder_id))
            if why is not None:
                return None, BotuiError("not_found", why, "id")
        return None, error
    except Exception as exc:  # the event loop must never see a traceback from a worker
        return None, BotuiError("storage_error", f"the action failed unexpectedly: {exc}")


def refuse_readonly(node: Widget | App[Any], service: Service) -> bool:
    """On a read-only database, say so in a toast (the path shown safely) and answer True:
    the caller then changes nothing."""
    if service.readonly:
        node.notify(
            f"{safe_for_terminal(str(service.path))} is read-only: nothing can be changed",
            severity="error",
            markup=False,
        )
    return service.readonly
