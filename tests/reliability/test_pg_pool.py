"""PostgreSQL connections reused from read to read (store.pg_pool): one read's leftovers never
reach the next (a refused write, a cancelled read), a busy pool waits then says `busy`, and
threads that end without handing their connection back do not use the pool up."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from botui.domain.errors import BotuiError, ReadCancelled
from botui.domain.queue import QueueSpec
from botui.domain.service import Service
from botui.store.db import open_database, release
from botui.store.pg_pool import MAX_CONNECTIONS
from tests import postgres
from tests.conftest import NOW, wait_for

pytestmark = pytest.mark.skipif(
    "postgres" not in postgres.ENGINES, reason="BOTUI_TEST_ENGINES leaves PostgreSQL out"
)

SLOW = "SELECT pg_sleep(30)"


@pytest.fixture
def url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("BOTUI_BUSY_TIMEOUT_MS", "500")
    with postgres.fresh_database() as made:
        yield made


@pytest.fixture
def service(url: str) -> Iterator[Service]:
    db = open_database(url)
    yield Service(db)
    release(db)


def backend(service: Service) -> int:
    with service.session():
        return int(service.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0])


def server_connections(url: str) -> int:
    """botui's connections to this database, as the server counts them."""
    with psycopg.connect(postgres.server_url(), autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            (postgres.name_of(url), "botui"),
        ).fetchone()
    assert row is not None
    return int(row[0])


def in_thread(call) -> object:
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(call()))
    worker.start()
    worker.join()
    return done[0]


def test_reads_reuse_one_connection_on_every_thread(service: Service, url: str) -> None:
    first = backend(service)
    assert backend(service) == first
    assert in_thread(lambda: backend(service)) == first  # handed back, taken by another thread
    assert server_connections(url) == 1
    with service.session():  # its statements are planned with their own values
        shown = service.db.execute_sql("SHOW plan_cache_mode").fetchone()[0]
    assert shown == "force_custom_plan"


def test_a_busy_refusal_leaves_a_connection_that_reads_and_writes(
    service: Service, url: str
) -> None:
    service.create_business({"id": "BIZ-1", "name": "Northwind"})
    with postgres.connect(url) as other, other.atomic():  # another botui holds the write lock
        with pytest.raises(BotuiError) as refused, service.session():
            service.create_business({"id": "BIZ-2", "name": "Southwind"})
        assert refused.value.code == "busy"
        assert service.queue_count(QueueSpec(), NOW) == 0  # the same thread reads on
    service.create_business({"id": "BIZ-3", "name": "Eastwind"})
    with postgres.connect(url) as db:
        assert postgres.query(db, "SELECT id FROM business ORDER BY id") == [("BIZ-1",), ("BIZ-3",)]
    # The test's own two connections end just after they close: then only botui's is left.
    wait_for(lambda: server_connections(url) == 1, "the test's own connections ending")


def test_a_cancelled_read_leaves_its_connection_fit_for_the_next(service: Service) -> None:
    first = backend(service)
    handle = service.read_handle()
    threading.Timer(0.2, handle.cancel).start()
    with pytest.raises(ReadCancelled), service.session(handle):
        service.db.execute_sql(SLOW).fetchone()
    assert backend(service) == first
    with service.session():
        assert service.db.execute_sql("SELECT 1").fetchone()[0] == 1
        assert service.view_counts(QueueSpec(), NOW)["open"] == 0


def test_threads_that_end_holding_a_connection_do_not_use_the_pool_up(
    service: Service, url: str
) -> None:
    for number in range(MAX_CONNECTIONS + 2):  # a write outside a session keeps its connection
        in_thread(lambda n=number: service.create_business({"id": f"BIZ-{n}", "name": "Shop"}))
    assert in_thread(lambda: backend(service))  # not `busy` after waiting for a connection
    assert server_connections(url) <= MAX_CONNECTIONS


@pytest.mark.serial  # times a wait
def test_a_pool_in_use_waits_then_says_busy(service: Service, url: str) -> None:
    go = threading.Event()
    holding = threading.Barrier(MAX_CONNECTIONS + 1)

    def hold() -> None:
        with service.session():
            service.latest_event_id()
            holding.wait()
            go.wait(10)

    workers = [threading.Thread(target=hold) for _ in range(MAX_CONNECTIONS)]
    for worker in workers:
        worker.start()
    holding.wait()
    try:
        started = time.monotonic()
        with pytest.raises(BotuiError) as refused, service.session():
            pass
        assert refused.value.code == "busy"
        assert "connections" in refused.value.message and "try again" in refused.value.message
        assert 0.4 < time.monotonic() - started < 3
    finally:
        go.set()
        for worker in workers:
            worker.join()
    assert service.latest_event_id() == 0  # handed back: reads go on
    assert server_connections(url) == MAX_CONNECTIONS


def test_closing_the_database_closes_the_idle_connections(service: Service, url: str) -> None:
    """A fixture that closes its database before a DROP or TEMPLATE copy leaves none open."""
    backend(service)
    assert server_connections(url) == 1  # kept after the session
    service.db.close()
    # The server's backend ends just after the client's goodbye: it may still be listed.
    wait_for(lambda: server_connections(url) == 0, "the server's connection ending")


def test_release_leaves_the_server_no_connection(service: Service, url: str) -> None:
    backend(service)
    in_thread(lambda: backend(service))
    assert server_connections(url) >= 1
    release(service.db)
    wait_for(lambda: server_connections(url) == 0, "the server's connections ending")
