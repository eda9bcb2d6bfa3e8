"""How the screens learn that someone wrote: the live log's wake-up (contract: "the live log
within two seconds").

On SQLite a following screen asks for new events every second. On PostgreSQL one thread worker
of the app waits on the service's `wait_for_events` (the database's NOTIFY, sent by every
transaction that appends events) and wakes every following screen at once; a slow poll stays
in case the listening connection was lost (the service makes it again quietly).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

from textual.app import App
from textual.dom import DOMNode
from textual.worker import get_current_worker

from botui.domain.service import Service

POLL_SECONDS = 1.0  # SQLite: how often a screen asks for new events
FALLBACK_SECONDS = 5.0  # PostgreSQL: the same question, in case a notification was lost
WAIT_SECONDS = 0.5  # the listening worker notices within this that the app is closing
GROUP = "live-events"  # the listening worker's group: it runs as long as the app

_listeners: weakref.WeakKeyDictionary[App, _Listener] = weakref.WeakKeyDictionary()


def follow_events(node: DOMNode, service: Service, poll: Callable[[], object]) -> None:
    """Call `poll` on `node` whenever events may have been written, as long as it is mounted."""
    if not service.events_wake:
        node.set_interval(POLL_SECONDS, poll)
        return
    node.set_interval(FALLBACK_SECONDS, poll)
    app = node.app
    listener = _listeners.get(app)
    if listener is None:
        listener = _listeners[app] = _Listener(service)
        app.run_worker(
            listener.run,
            name="wait for events",
            group=GROUP,
            thread=True,
            exit_on_error=False,
        )
    listener.add(node, poll)


class _Listener:
    """The app's one listening worker and the screens it wakes."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._lock = threading.Lock()
        self._followers: list[tuple[DOMNode, Callable[[], object]]] = []

    def add(self, node: DOMNode, poll: Callable[[], object]) -> None:
        with self._lock:
            self._followers.append((node, poll))

    def run(self) -> None:
        worker = get_current_worker()
        try:
            while not worker.is_cancelled:
                if self.service.wait_for_events(WAIT_SECONDS):
                    self._wake()
        finally:
            self.service.stop_waiting()

    def _wake(self) -> None:
        """Ask each following screen to poll, on its own event loop (call_later posts a
        message, which is safe from this thread); a closed screen is forgotten."""
        with self._lock:
            followers = list(self._followers)
        gone = [(node, poll) for node, poll in followers if not node.call_later(poll)]
        if gone:
            with self._lock:
                self._followers = [f for f in self._followers if f not in gone]
