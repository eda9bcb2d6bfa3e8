"""Fixtures shared by every test folder: a fresh database and a service on a frozen clock.

The service, CLI, import and race tests run on both engines: `engine` is parametrised
("sqlite", "postgres") for the folders in BOTH_ENGINES, and `db_path` is then a SQLite file or
the URL of a fresh PostgreSQL database (tests/postgres.py starts a private server). A test that
is about SQLite itself (its file, its pragmas) says so with `@pytest.mark.sqlite_only`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from botui.domain.service import Service
from botui.store.db import open_database
from tests import postgres

# The one frozen clock of the suite (BOTUI_NOW below; import it, do not copy it): Monday
# 2026-09-21 14:13:20 UTC, in ISO week 2026-W39, so dates and ages never drift between runs.
NOW = 1_790_000_000
DAY = 86_400
WAIT_SECONDS = 10.0  # how long a condition may take on a loaded machine before a test fails


def wait_for(
    condition: Callable[[], object], what: str, timeout: float = WAIT_SECONDS, step: float = 0.02
) -> None:
    """Block until `condition()` holds (another process got somewhere); fail saying `what` did
    not happen if it still does not after `timeout`. Under Pilot, use tests.pilot.wait_until."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(step)


@pytest.fixture(autouse=True)
def _frozen_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs at a fixed time as a fixed actor, whatever the machine says."""
    monkeypatch.setenv("BOTUI_NOW", str(NOW))
    monkeypatch.setenv("BOTUI_ACTOR", "tester")
    monkeypatch.delenv("BOTUI_DB", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


# Folders (or files) whose tests taking `db_path`/`service` run on both engines.
BOTH_ENGINES = (
    "tests/unit/",
    "tests/cli/",
    "tests/imports/",
    "tests/reliability/test_concurrency",
    "tests/reliability/test_event_feed",
    "tests/reliability/test_busy",
    "tests/reliability/test_append_only",
    "tests/reliability/test_hostile_input",
    "tests/io/test_outbox_send",
    "tests/io/test_outbox_tls",
    "tests/test_migrations",
)


# Tests that time lock waits or wake-ups: `make test` runs them alone after the parallel pass,
# where a busy second worker cannot stretch them. (The key guard's tests need not: their app
# reads a clock that moves only as they type, tests.pilot.TypingClock.)
SERIAL = (
    "tests/reliability/test_busy.py",
    "tests/reliability/test_event_feed.py",
    "tests/tui/test_postgres_smoke.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).parent.parent
    for item in items:
        if str(Path(item.path).relative_to(root)).startswith(SERIAL):
            item.add_marker(pytest.mark.serial)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite itself (file, pragmas)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    where = str(Path(metafunc.definition.path).relative_to(Path(__file__).parent.parent))
    if not where.startswith(BOTH_ENGINES) or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    # Module scope: a module's shared shop (a module-scoped fixture taking `engine`, see
    # postgres.database) is built once per engine, and its tests run engine by engine.
    metafunc.parametrize("engine", postgres.ENGINES, indirect=True, scope="module")


@pytest.fixture(scope="module")
def engine(request: pytest.FixtureRequest) -> str:
    """The engine of this test's database: "sqlite" unless parametrised (BOTH_ENGINES)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def db_path(tmp_path: Path, engine: str) -> Iterator[Path | str]:
    """A new database: a file path on SQLite, a fresh database's URL on PostgreSQL."""
    if engine == "sqlite":
        yield tmp_path / "botui.db"
        return
    with postgres.fresh_database() as url:
        yield url


@pytest.fixture
def service(db_path: Path | str) -> Iterator[Service]:
    db = open_database(db_path)
    yield Service(db)
    db.close()


@pytest.fixture
def refs(service: Service) -> dict[str, str]:
    """One business, customer (with email and phone), product (no stock) and order."""
    business = service.create_business({"id": "BIZ-1", "name": "Northwind Outfitters"})
    customer = service.create_customer(
        {
            "id": "CUS-1",
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "phone": "+44 20 7946 0000",
        }
    )
    product = service.create_product({"id": "PRD-1", "sku": "TENT-2P", "name": "Two-person tent"})
    order = service.create_order(
        {"id": "ORD-1", "number": "SO-1001", "customer": customer.id, "business": business.id}
    )
    return {
        "business": business.id,
        "customer": customer.id,
        "product": product.id,
        "order": order.id,
    }


@pytest.fixture(scope="session")
def _mail_controller():
    from aiosmtpd.controller import Controller
    from mailserver import MailServer

    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    yield server
    controller.stop()


@pytest.fixture
def mail_server(_mail_controller):
    """The session's SMTP server, emptied for this test."""
    _mail_controller.received.clear()
    return _mail_controller
