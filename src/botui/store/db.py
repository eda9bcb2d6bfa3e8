"""Opening the SQLite database: file mode, pragmas, migrations, and errors in plain words."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee
from playhouse.migrations import Runner

from botui.domain.errors import BotuiError, busy, storage_error
from botui.store.models import database_proxy

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The contract's 10 seconds; BOTUI_BUSY_TIMEOUT_MS shortens it so tests of `busy` stay fast.
BUSY_TIMEOUT_MS = int(os.environ.get("BOTUI_BUSY_TIMEOUT_MS") or 10_000)
FILE_MODE = 0o660


def _pragmas(readonly: bool) -> list[tuple[str, object]]:
    pragmas: list[tuple[str, object]] = [
        ("foreign_keys", 1),
        ("busy_timeout", BUSY_TIMEOUT_MS),
        ("cache_size", -32_000),
    ]
    if not readonly:
        pragmas[:0] = [("journal_mode", "wal"), ("synchronous", "full")]
    return pragmas


def _create_file(path: Path) -> None:
    """Create an empty database file 0660 (or stricter by the umask), never world-writable."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, FILE_MODE & ~umask)
    finally:
        os.close(fd)


def _check_path(path: Path) -> bool:
    """Refuse what can never be a database before SQLite touches it; True if the file is new."""
    if path.is_dir():
        raise storage_error(f"{path} is a directory, not a database file: give a file path")
    if not path.parent.is_dir():
        raise storage_error(
            f"cannot create {path}: the folder {path.parent} does not exist; create it first"
        )
    if not path.exists():
        try:
            _create_file(path)
        except FileExistsError:
            return False
        except OSError as exc:
            raise storage_error(f"cannot create {path}: {exc.strerror}") from exc
        return True
    if not os.access(path, os.R_OK):
        raise storage_error(f"cannot read {path}: permission denied; check the file's owner")
    return False


def is_writable(path: Path) -> bool:
    """Whether this process may change the database (the file and its folder, for -wal/-shm)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def open_database(path: Path | str, *, readonly: bool | None = None) -> peewee.SqliteDatabase:
    """Open (creating and migrating as needed) the database at `path` and bind the models."""
    path = Path(path)
    created = _check_path(path)
    if readonly is None:
        readonly = not is_writable(path)
    target = f"file:{path}?mode=ro" if readonly else str(path)
    db = peewee.SqliteDatabase(
        target,
        pragmas=_pragmas(readonly),
        lock_type="IMMEDIATE",
        timeout=BUSY_TIMEOUT_MS / 1000,
        uri=readonly,
        check_same_thread=False,
    )
    db.botui_path = path
    db.botui_readonly = readonly
    try:
        with translate_errors(path):
            db.connect()
            if readonly:
                db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
                _require_current_schema(db, path)
            else:
                _migrate(db)
            db.close()
    except BotuiError:
        if created:
            _remove_new_file(path)
        if not db.is_closed():
            db.close()
        raise
    database_proxy.initialize(db)
    return db


def _remove_new_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass


def _migrate(db: peewee.SqliteDatabase) -> None:
    """Apply pending migrations under the write lock, so two first starts cannot race."""
    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    if all(m.applied for m in runner.status()):
        return
    with db.atomic():
        runner.up()


def _require_current_schema(db: peewee.SqliteDatabase, path: Path) -> None:
    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    if not runner.History.table_exists() or not all(m.applied for m in runner.status()):
        raise storage_error(
            f"{path} is read-only and needs a schema upgrade: open it once with write access"
        )


def schema_version(db: peewee.SqliteDatabase) -> list[str]:
    """Names of the applied migrations, oldest first."""
    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    return [m.name for m in runner.status() if m.applied]


def file_mode(path: Path) -> int:
    """Permission bits of a file (for tests and diagnostics)."""
    return stat.S_IMODE(os.stat(path).st_mode)


@contextmanager
def translate_errors(path: Path | str) -> Iterator[None]:
    """Turn SQLite failures into `busy` or `storage_error` that name the file and what to do."""
    try:
        yield
    except BotuiError:
        raise
    except (peewee.OperationalError, peewee.DatabaseError, sqlite3.Error) as exc:
        raise _storage_failure(Path(path), exc) from exc


def _storage_failure(path: Path, exc: Exception) -> BotuiError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return busy(
            f"{path} is busy: another botui kept the write lock for over 10 seconds; try again"
        )
    if "readonly" in text or "read-only" in text:
        return storage_error(
            f"{path} is read-only: this change was not saved; ask for write access"
        )
    if "disk is full" in text or "database or disk is full" in text:
        return storage_error(
            f"{path}: the disk is full; nothing was saved. Free some space and try again"
        )
    if "not a database" in text or "malformed" in text or "disk image" in text:
        return storage_error(
            f"{path} is not a botui database (or is damaged): check the path, or restore a backup"
        )
    if "unable to open" in text:
        return storage_error(f"cannot open {path}: check that the path and its folder exist")
    return storage_error(f"{path}: the database failed ({exc}); nothing was saved")
