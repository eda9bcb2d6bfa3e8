"""`botui backup DEST`: a sound, consistent copy taken while others write, and how to restore."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

from stress.harness import fork, invariants, prepare, pump_until_closed, writer_main

from botui.store.db import SQLITE as sqlite3
from botui.store.db import file_mode
from tests.conftest import wait_for
from tests.postgres import connect

BOTUI = [sys.executable, "-m", "botui"]


def backup(src: Path, dest: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*BOTUI, "backup", str(dest), "--db", str(src)], capture_output=True, text=True
    )


def test_a_backup_taken_while_a_writer_runs_is_sound_and_consistent(tmp_path: Path) -> None:
    src, dest = tmp_path / "live.db", tmp_path / "copy.db"
    prepare(src)

    def events() -> int:  # a fresh look each time: the writer commits in its own process
        with contextlib.closing(sqlite3.connect(src)) as live:
            return live.execute("SELECT count(*) FROM event").fetchone()[0]

    before = events()
    writer = fork(writer_main, src, "w1", 4.0, 9)
    # The backup starts while the writer writes: once its first change is in.
    wait_for(lambda: events() > before, "the writer's first change")
    done = backup(src, dest)
    pump_until_closed([writer], timeout=60)
    assert done.returncode == 0, done.stderr
    assert "integrity ok" in done.stdout and str(dest) in done.stdout
    assert file_mode(dest) & 0o007 == 0
    with sqlite3.connect(dest) as copy, sqlite3.connect(src) as live:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with connect(dest) as checked:  # the harness's checks read through peewee
            assert invariants(checked) == []
        copied = copy.execute("SELECT max(id) FROM event").fetchone()[0]
        assert 0 < copied < live.execute("SELECT max(id) FROM event").fetchone()[0]
        assert (
            copy.execute("SELECT * FROM event ORDER BY id").fetchall()
            == live.execute("SELECT * FROM event WHERE id <= ? ORDER BY id", (copied,)).fetchall()
        )


def test_a_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    src, dest = tmp_path / "live.db", tmp_path / "precious.txt"
    prepare(src)
    dest.write_text("keep me")
    done = backup(src, dest)
    error = json.loads(done.stderr)["error"]
    assert done.returncode == 2 and error["code"] == "conflict" and error["field"] == "dest"
    assert str(dest) in error["message"]
    assert dest.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.db", "precious.txt"]


def test_a_backup_of_a_missing_or_broken_database_writes_nothing(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n" * 100)
    for src in (tmp_path / "missing.db", notes):
        done = backup(src, tmp_path / "copy.db")
        error = json.loads(done.stderr)["error"]
        assert done.returncode == 1 and error["code"] == "storage_error"
        assert str(src) in error["message"] and "Traceback" not in done.stderr
        assert not (tmp_path / "copy.db").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_restoring_a_backup_gives_back_the_data(tmp_path: Path) -> None:
    """The documented restore: copy the backup to a new path (or over the old one once every
    botui has quit) with `botui backup --db BACKUP NEW`, then point botui at it."""
    src, saved, restored = tmp_path / "live.db", tmp_path / "saved.db", tmp_path / "restored.db"
    prepare(src)
    subprocess.run([*BOTUI, "api", "receiveInventory", "--db", str(src)], input="{}", text=True)
    assert backup(src, saved).returncode == 0
    assert backup(saved, restored).returncode == 0
    answer = subprocess.run(
        [*BOTUI, "api", "product.create", "--db", str(restored)],
        input='{"sku": "NEW", "name": "After restore"}',
        capture_output=True,
        text=True,
    )
    assert answer.returncode == 0, answer.stderr
    with sqlite3.connect(restored) as con:
        names = {name for (name,) in con.execute("SELECT name FROM product")}
    assert names == {"PRD-A", "PRD-B", "PRD-C", "After restore"}
