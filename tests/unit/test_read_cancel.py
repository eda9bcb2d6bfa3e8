"""Cancelling a read in flight through the service: the UI's way to drop a stale queue read."""

from __future__ import annotations

import threading
import time

import pytest

from botui.domain.errors import BotuiError, ReadCancelled
from botui.domain.queue import QueueSpec
from botui.domain.service import Service
from tests.conftest import NOW

# A statement that runs for a minute or more unless stopped.
SLOW = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
    "SELECT count(*) FROM n"
)


def test_a_read_cancelled_from_another_thread_stops_at_once(service: Service) -> None:
    handle = service.read_handle()
    threading.Timer(0.2, handle.cancel).start()
    started = time.monotonic()
    with pytest.raises(ReadCancelled), service.session(handle):
        service.db.execute_sql(SLOW).fetchone()
    assert time.monotonic() - started < 5
    assert service.queue_count(QueueSpec(), NOW) == 0  # the next read works


def test_the_connection_of_a_cancelled_read_serves_the_next_read(service: Service) -> None:
    """The UI's session outlives a read it cancels: the same connection must read on."""
    with service.session():
        connection = service.db.connection()
        handle = service.read_handle()
        threading.Timer(0.2, handle.cancel).start()
        with pytest.raises(ReadCancelled), service.session(handle):
            service.db.execute_sql(SLOW).fetchone()
        assert service.db.connection() is connection
        assert service.queue_count(QueueSpec(), NOW) == 0
        assert service.latest_event_id() == 0


def test_a_read_cancelled_before_it_starts_never_runs(service: Service) -> None:
    handle = service.read_handle()
    handle.cancel()
    ran = False
    with pytest.raises(ReadCancelled), service.session(handle):
        ran = True
    assert not ran


def test_a_finished_read_may_still_be_cancelled(service: Service) -> None:
    handle = service.read_handle()
    with service.session(handle, small_cache=True):
        assert service.latest_event_id() == 0
    handle.cancel()  # nothing runs any more: nothing happens
    assert service.view_counts(QueueSpec(), NOW)["open"] == 0


def test_an_engine_failure_reaches_the_ui_in_words(service: Service) -> None:
    with pytest.raises(BotuiError) as caught, service.session():
        service.db.execute_sql("SELECT * FROM no_such_table")
    assert caught.value.code == "storage_error"
    assert not isinstance(caught.value, ReadCancelled)
    assert str(service.path) in caught.value.message
