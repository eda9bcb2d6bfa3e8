"""`botui` pointed at a PostgreSQL server: what cannot work there is refused in plain words.

The actions themselves run on both engines in the other modules (the `engine` fixture); these
are the URL's own cases: a server, database, user or password that is not there, and the
commands made for SQLite files (backup refuses, demo is made in a file and copied in).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
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


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://botui:s3cret@127.0.0.1:{port}/shop",
        "postgresql://botui@127.0.0.1:{port}/shop?password=s3cret",  # libpq takes it there too
    ],
)
def test_the_password_never_shows_in_a_message(url: str) -> None:
    port = _free_port()
    result = api(url.format(port=port), "list", {})
    assert result.error["code"] == "storage_error"
    assert "s3cret" not in result.stderr
    assert f"postgresql://botui@127.0.0.1:{port}/shop" in result.error["message"]


@pytest.fixture(scope="module")
def password_server() -> Iterator[str]:
    """A server of its own that asks for a password (the test server trusts its socket): the
    URL of its database `shop`, whose user botui's password is "right"."""
    server = postgres._server_module()
    try:
        programs = server.bindir()
    except server.Unavailable as exc:
        pytest.skip(str(exc))
    home = Path(tempfile.mkdtemp(prefix="botui-pw-"))
    home.chmod(0o755)  # the server's user (postgres, when we are root) must reach it
    (home / "pw").write_text("right\n")
    (home / "sock").mkdir()
    uid, gid = server._owner_ids()
    for path in (home, home / "pw", home / "sock"):
        os.chown(path, uid, gid)

    def run(*command: str) -> None:
        subprocess.run(
            server._as_owner(list(command)),
            check=True,
            capture_output=True,
            env={**os.environ, "PGPASSWORD": "right"},
        )

    try:
        run(str(programs / "initdb"), "-D", str(home / "data"), "-U", "botui",
            "--auth=scram-sha-256", f"--pwfile={home / 'pw'}", "--encoding=UTF8",
            "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{home / 'sock'}' -c fsync=off"
        )
        run(str(programs / "pg_ctl"), "start", "-w", "-D", str(home / "data"),
            "-l", str(home / "data" / "log"), "-o", options)  # fmt: skip
        run(str(programs / "createdb"), "-h", str(home / "sock"), "-U", "botui", "shop")
        yield f"postgresql://botui@/shop?host={home / 'sock'}"
    finally:
        subprocess.run(
            server._as_owner([str(programs / "pg_ctl"), "stop", "-m", "immediate", "-D",
                              str(home / "data")]),
            capture_output=True,
        )  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


def test_a_wrong_or_missing_password_is_a_storage_error(
    password_server: str, tmp_path: Path
) -> None:
    url = password_server
    no_pgpass = {"HOME": str(tmp_path), "PGPASSFILE": str(tmp_path / "none")}
    right = api(url, "business.create", {"name": "Kept"}, PGPASSWORD="right", **no_pgpass)
    assert right.status == 0, right.stderr  # the server and its database are there
    secret_url = url.replace("botui@", "botui:wrong-s3cret@")
    for result in (
        api(url, "list", {}, PGPASSWORD="wrong", **no_pgpass),
        api(url, "list", {}, **no_pgpass),
        api(secret_url, "list", {}, **no_pgpass),
    ):
        assert result.status == 1
        error = result.error
        assert error["code"] == "storage_error"
        assert "refused the password" in error["message"] and "PGPASSWORD" in error["message"]
        assert "s3cret" not in result.stderr
    pgpass = tmp_path / "pgpass"
    pgpass.write_text("*:*:shop:botui:right\n")
    pgpass.chmod(0o600)
    listed = api(url, "list", {}, PGPASSFILE=str(pgpass), HOME=str(tmp_path))
    assert listed.status == 0, listed.stderr


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


def test_demo_is_made_in_a_file_and_copied_in(server_db: str, tmp_path: Path) -> None:
    """The demo's bulk load is SQLite's: on PostgreSQL it is made in a temporary file and
    copied in, so both engines hold the same shop for the same seed."""
    file = tmp_path / "demo.db"
    # Its own temporary folder: the machine's is shared with other demos running meanwhile.
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    for target in (file, server_db):
        done = botui(
            "demo", "--db", str(target), "--count", "60", "--seed", "3", TMPDIR=str(temporary)
        )
        assert done.status == 0, done.stderr
        assert done.stdout.startswith("demo: wrote 60 backorders")
    exported = [botui("export", "--db", str(t), "--format", "jsonl") for t in (file, server_db)]
    assert exported[0].stdout.count("\n") == 60
    assert exported[0].stdout == exported[1].stdout
    assert list(temporary.glob("botui-demo-*")) == []  # removed
    before = dump(server_db)
    again = botui("demo", "--db", server_db, "--count", "10")
    assert (again.status, again.error["code"]) == (2, "validation_error")
    assert "already holds records" in again.error["message"]
    assert dump(server_db) == before
