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
    action: str = "",
) -> tuple[T | None, BotuiError | None]:
    """Run one service call on this thread's own connection: its answer, or why it failed.

    `small_cache` for a worker's repeated reads (the service's session explains it).

    With `backorder_id`, a refusal because that backorder does not exist says who deleted it
    and when, instead of the command line's advice to check the id; one because it changed
    since it was read (a conflict, or a status that now refuses `action`, the contract name)
    says who changed it, when, and what it is now (`changed_since`).
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
        if backorder_id is not None and error.code in ("conflict", "invalid_transition"):
            refusal = error
            told, _ = attempt(
                service, lambda: changed_since(service, backorder_id, refusal, action)
            )
            if told is not None:
                return None, told
        return None, error
    except Exception as exc:  # the event loop must never see a traceback from a worker
        return None, BotuiError("storage_error", f"the action failed unexpectedly: {exc}")


# What did not happen, by contract action, when the backorder changed under the person.
NOT_DONE = {
    "confirm": "it was not confirmed",
    "fulfill": "nothing was shipped",
    "cancel": "it was not cancelled and nothing was refunded",
    "delete": "it was not deleted",
    "updateEstimate": "its estimate did not change",
    "notifyCustomer": "no message was queued",
}


def changed_since(
    service: Service, backorder_id: str, error: BotuiError, action: str = ""
) -> BotuiError:
    """`error` (a conflict, or a status refusal) told as the change behind it: who changed the
    backorder and when (its last version-raising event), that `action` did nothing, and, when
    its status now refuses `action`, what it is now and what that means. An error that no
    change explains (a status someone set long ago, before it was read) gets the actor alone.
    """
    from botui import config
    from botui.domain import statuses
    from botui.tui.formatting.events import event_word
    from botui.tui.formatting.times import moment

    event = service.last_change(backorder_id)
    if event is None:
        return error
    # The log's word for the event ("re-estimated"), but an update reads "was changed".
    what = "changed" if event.type == "updated" else event_word(event.type)
    changed = f"{backorder_id} was {what} by {event.actor} at {moment(event.at, config.now())}"
    if error.code == "invalid_transition":
        status = service.get({"id": backorder_id}).status
        prefix = f"{backorder_id} is {status}"
        if event.type != status or not error.message.startswith(prefix):
            return error  # not a change of status: the refusal says all there is
        return BotuiError(error.code, changed + error.message.removeprefix(prefix), error.field)
    if error.field != "version" and "at the same moment" not in error.message:
        return error  # a conflict about something else (a receipt id, a duplicate)
    text = f"{changed}, after you read it, so {NOT_DONE.get(action, 'nothing was changed')}"
    status = service.get({"id": backorder_id}).status
    now_refused = statuses.refusal(action, backorder_id, status) if action else None
    if now_refused is not None:
        text += "; it" + now_refused.message.removeprefix(backorder_id)
    else:
        text += f"; it is {status} now: look at it again before you try again"
    return BotuiError(error.code, text, error.field)


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
