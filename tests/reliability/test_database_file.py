"""The database file: modes whatever the umask, read-only files, and files that are not usable."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from botui.domain.errors import BotuiError
from botui.domain.service import Service
from botui.store.db import SQLITE as sqlite3
from botui.store.db import open_database, sqlite_version

BOTUI = [sys.executable, "-m", "botui"]
KEEP_OPEN = """
import json, os, sys
os.umask(int(sys.argv[2], 8))
from botui.domain.service import Service
from botui.store.db import open_database
service = Service(open_database(sys.argv[1]))
service.create_business({"name": "Northwind"})
# The writer's connection is still open, so the -wal and -shm files exist now.
print(json.dumps({s: os.stat(sys.argv[1] + s).st_mode & 0o777 for s in ("", "-wal", "-shm")}))
"""


def api(path: Path | str, action: str, payload: dict | None = None, **env: str):
    """Run `botui api` on `path`; (exit status, stdout, stderr)."""
    args = [*BOTUI, "api", action, "--db", str(path), json.dumps(payload or {})]
    done = subprocess.run(args, capture_output=True, text=True, env={**os.environ, **env})
    return done.returncode, done.stdout, done.stderr


def error_of(stderr: str) -> dict:
    """The one-line JSON error; no traceback may come with it."""
    assert "Traceback" not in stderr
    assert stderr.count("\n") == 1
    return json.loads(stderr)["error"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(path: Path, backorders: int = 0) -> None:
    """A closed database with references and some backorders (so it spans many pages)."""
    db = open_database(path)
    service = Service(db)
    service.create_business({"id": "BIZ-1", "name": "Northwind"})
    service.create_customer({"id": "CUS-1", "name": "Ada"})
    service.create_product({"id": "PRD-1", "sku": "TENT", "name": "Tent"})
    for n in range(backorders):
        service.create(
            {
                "product": "PRD-1",
                "business": "BIZ-1",
                "customer": "CUS-1",
                "quantity": 1,
                "price": 100,
                "supplierOrder": f"PO-{n:05d}-" + "x" * 80,
            }
        )
    db.close()


@pytest.mark.parametrize("umask", ["000", "022", "077"])
def test_new_files_are_never_world_writable(tmp_path: Path, umask: str) -> None:
    path = tmp_path / "new.db"
    done = subprocess.run(
        [sys.executable, "-c", KEEP_OPEN, str(path), umask], capture_output=True, text=True
    )
    modes = json.loads(done.stdout)
    expected = 0o660 & ~int(umask, 8)
    assert modes == {"": expected, "-wal": expected, "-shm": expected}, done.stderr


def test_an_own_world_writable_file_loses_world_write(tmp_path: Path) -> None:
    path = tmp_path / "loose.db"
    path.touch()
    path.chmod(0o666)
    done = subprocess.run(
        [sys.executable, "-c", KEEP_OPEN, str(path), "000"], capture_output=True, text=True
    )
    assert all(mode & stat.S_IWOTH == 0 for mode in json.loads(done.stdout).values())


def test_a_read_only_file_opens_read_only_and_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    make_db(path)
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    path.chmod(0o440)
    before = digest(path)
    db = open_database(path)
    service = Service(db)
    assert db.botui_readonly and service.readonly
    assert [b.id for b in service.list({}).data] == []
    with pytest.raises(BotuiError) as refused:
        service.create_business({"name": "Nope"})
    assert refused.value.code == "storage_error" and str(path) in refused.value.message
    db.close()
    status, out, err = api(path, "business.create", {"name": "Nope"})
    error = error_of(err)
    assert status == 1 and error["code"] == "storage_error" and "read-only" in error["message"]
    status, out, err = api(path, "events")
    assert status == 0
    assert digest(path) == before


def test_a_read_only_file_sees_changes_still_in_the_wal(tmp_path: Path) -> None:
    """A writer died before any checkpoint: its committed change lives only in the -wal file."""
    path = tmp_path / "crashed.db"
    make_db(path)
    pid = os.fork()
    if pid == 0:
        service = Service(open_database(path))
        service.create_business({"id": "BIZ-WAL", "name": "Only in the WAL"})
        os._exit(0)  # no close, no checkpoint
    os.waitpid(pid, 0)
    assert Path(f"{path}-wal").stat().st_size > 0
    path.chmod(0o440)
    before = digest(path)
    status, out, _ = api(path, "business.create", {"id": "BIZ-WAL", "name": "x"})
    assert status == 1
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert con.execute("SELECT name FROM business WHERE id = 'BIZ-WAL'").fetchone() == (
        "Only in the WAL",
    )
    con.close()
    db = open_database(path)
    assert db.botui_readonly
    db.close()
    assert digest(path) == before


def test_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list: tents, stoves\n" * 200)
    before = digest(path)
    status, _, err = api(path, "list")
    error = error_of(err)
    assert status == 1 and error["code"] == "storage_error"
    assert str(path) in error["message"] and "not a botui database" in error["message"]
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_a_truncated_database_is_refused_untouched(tmp_path: Path, keep: float) -> None:
    path = tmp_path / "cut.db"
    make_db(path, backorders=400)
    size = path.stat().st_size
    assert size > 100_000
    os.truncate(path, int(size * keep) // 4096 * 4096)
    before = digest(path)
    status, _, err = api(path, "list")
    error = error_of(err)
    assert status == 1 and error["code"] == "storage_error"
    assert str(path) in error["message"] and "restore it from a backup" in error["message"]
    assert digest(path) == before


def test_a_folder_is_refused(tmp_path: Path) -> None:
    status, _, err = api(tmp_path, "list")
    error = error_of(err)
    assert status == 1 and error["code"] == "storage_error"
    assert str(tmp_path) in error["message"] and "folder" in error["message"]
    assert list(tmp_path.iterdir()) == []


def test_a_path_in_a_missing_folder_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "botui.db"
    status, _, err = api(path, "list")
    error = error_of(err)
    assert status == 1 and error["code"] == "storage_error"
    assert str(path) in error["message"] and "does not exist" in error["message"]
    assert not path.parent.exists()


def test_a_full_disk_saves_nothing_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    make_db(path)
    with sqlite3.connect(path) as con:
        pages = con.execute("PRAGMA page_count").fetchone()[0]
    before = digest(path)
    big = {f"note{n}": "y" * 500 for n in range(50)}
    payload = {
        "product": "PRD-1",
        "business": "BIZ-1",
        "customer": "CUS-1",
        "quantity": 1,
        "price": 1,
        "metadata": big,
    }
    status, _, err = api(path, "create", payload, BOTUI_MAX_PAGES=str(pages))
    error = error_of(err)
    assert status == 1 and error["code"] == "storage_error"
    assert str(path) in error["message"] and "disk is full" in error["message"]
    assert "nothing was saved" in error["message"]
    assert digest(path) == before
    status, out, _ = api(path, "list")
    assert status == 0 and json.loads(out)["data"] == []


def test_the_ui_command_reports_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    pytest.importorskip("botui.tui.app")
    path = tmp_path / "notes.db"
    path.write_text("not a database\n" * 100)
    done = subprocess.run([*BOTUI, "--db", str(path)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and str(path) in done.stderr


def test_version_names_the_sqlite_library_in_use() -> None:
    done = subprocess.run([*BOTUI, "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert f"SQLite {sqlite_version()}" in done.stdout


def test_botui_runs_on_a_sqlite_with_the_wal_reset_fix() -> None:
    """Where pysqlite3 installs, peewee and so botui use it: SQLite 3.51.3 or later."""
    pytest.importorskip("pysqlite3")
    assert sqlite3.sqlite_version_info >= (3, 51, 3)
