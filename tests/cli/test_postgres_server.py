"""`botui` pointed at a PostgreSQL server: what cannot work there is refused in plain words.

The actions themselves run on both engines in the other modules (the `engine` fixture); these
are the URL's own cases: a server or database that is not there, and the commands that are
about SQLite files (backup, demo).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import postgres

from .runner import api, botui, dump

pytestmark = pytest.mark.skipif(
    "postgres" not in postgres.ENGINES, reason="BOTUI_TEST_ENGINES leaves PostgreSQL out"
)


@pytest.fixture
def server_db() -> Iterator[str]:
    """A new PostgreSQL database with the schema and no records."""
    with postgres.fresh_database() as url:
        yield url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _missing_database() -> str:
    return postgres.database_url("botui_no_such_database")


def test_a_database_that_does_not_exist_is_a_storage_error() -> None:
    url = _missing_database()
    for result in (api(url, "list", {}), botui("api", "get", '{"id": "BO-1"}', BOTUI_DB=url)):
        assert result.status == 1
        error = result.error  # one JSON line, no traceback
        assert error["code"] == "storage_error"
        assert "botui_no_such_database" in error["message"]
        assert "does not exist" in error["message"] and "createdb" in error["message"]


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_server_nobody_listens_on_is_a_storage_error(scheme: str) -> None:
    url = f"{scheme}://botui@127.0.0.1:{_free_port()}/shop"
    result = api(url, "business.create", {"name": "Nowhere"})
    assert result.status == 1
    assert result.error["code"] == "storage_error"
    assert f"cannot reach the PostgreSQL server of {url}" in result.error["message"]


def test_an_unknown_user_is_a_storage_error() -> None:
    url = postgres.database_url("postgres").replace("botui@", "nobody_here@")
    result = api(url, "list", {})
    assert (result.status, result.error["code"]) == (1, "storage_error")
    assert "no such user" in result.error["message"]


def test_the_password_never_shows_in_a_message() -> None:
    port = _free_port()
    result = api(f"postgresql://botui:s3cret@127.0.0.1:{port}/shop", "list", {})
    assert result.error["code"] == "storage_error"
    assert "s3cret" not in result.stderr
    assert f"postgresql://botui@127.0.0.1:{port}/shop" in result.error["message"]


def test_the_terminal_ui_says_why_it_cannot_open() -> None:
    result = botui("--db", _missing_database())
    assert result.status == 1
    assert result.stderr.startswith("botui: cannot open postgresql://")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_backup_points_to_pg_dump_and_writes_nothing(server_db: str, tmp_path: Path) -> None:
    assert api(server_db, "business.create", {"name": "Kept"}).status == 0
    before = dump(server_db)
    result = botui("backup", str(tmp_path / "copy.db"), "--db", server_db)
    assert result.status == 2
    assert (result.error["code"], result.error["field"]) == ("validation_error", "db")
    assert "pg_dump" in result.error["message"]
    assert list(tmp_path.iterdir()) == []
    assert dump(server_db) == before


def test_demo_is_refused_and_writes_nothing(server_db: str) -> None:
    before = dump(server_db)
    for args in (["demo", "--db", server_db, "--count", "10"], ["--demo", "--db", server_db]):
        result = botui(*args)
        assert result.status == 2, result.stderr
        assert "botui copy --from demo.db" in result.stderr
        assert "Traceback" not in result.stderr
    assert dump(server_db) == before
