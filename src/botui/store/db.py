"""Opening the database (a SQLite file or a PostgreSQL URL): file mode, pragmas, migrations,
and errors in plain words."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

import peewee

from botui import config
from botui.errors import BotuiError, busy, storage_error
from botui.store import engine, folding, peewee_types, postgres
from botui.store.models import database_proxy
from botui.store.sqlite import (
    MIGRATIONS_DIR,
    MIGRATIONS_TABLE,
    is_writable,
    migration_names,
    schema_is_current,
)
from botui.store.sqlite import sqlite_version as sqlite_version

# The contract's 10 seconds; BOTUI_BUSY_TIMEOUT_MS shortens it so tests of `busy` stay fast.
BUSY_TIMEOUT_MS = 10_000
BUSY_TIMEOUT_ENV = "BOTUI_BUSY_TIMEOUT_MS"
# Hidden test hook: a page limit makes SQLite answer "database or disk is full" on demand.
MAX_PAGES_ENV = "BOTUI_MAX_PAGES"
MAX_PAGES = 4_294_967_294  # SQLite's own limit
FILE_MODE = 0o660
# The SQLite library peewee really uses: pysqlite3 (a current SQLite) when installed
# (store.sqlite chooses it the same way, for what runs without peewee).
SQLITE = peewee_types.SQLITE
SQLITE_ERRORS = (peewee.DatabaseError, peewee.InterfaceError, sqlite3.Error, SQLITE.Error)


def busy_timeout_ms() -> int:
    """How long a writer waits for another's lock: 10 s, or less by BOTUI_BUSY_TIMEOUT_MS."""
    shorter = config.env_number(BUSY_TIMEOUT_ENV, 0, BUSY_TIMEOUT_MS, " of milliseconds")
    return BUSY_TIMEOUT_MS if shorter is None else shorter


def _pragmas(readonly: bool, timeout_ms: int, max_pages: int | None) -> list[tuple[str, object]]:
    pragmas: list[tuple[str, object]] = [
        ("foreign_keys", 1),
        ("busy_timeout", timeout_ms),
        ("cache_size", -32_000),
    ]
    if not readonly:
        pragmas[:0] = [("journal_mode", "wal"), ("synchronous", "full")]
    if max_pages is not None:
        pragmas.append(("max_page_count", max_pages))
    return pragmas


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _create_file(path: Path) -> None:
    """Create an empty database file 0660 (or stricter by the umask), never world-writable."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE & ~_current_umask())
    finally:
        os.close(fd)


def _drop_world_write(path: Path) -> None:
    """SQLite gives -wal and -shm the main file's mode, so an own world-writable file loses o+w."""
    info = os.stat(path)
    if info.st_mode & stat.S_IWOTH and info.st_uid == os.geteuid():
        os.chmod(path, stat.S_IMODE(info.st_mode) & ~stat.S_IWOTH)


def _check_path(path: Path) -> bool:
    """Refuse what can never be a database before SQLite touches it; True if the file is new."""
    if path.is_dir():
        raise storage_error(
            f"{path} is a folder, not a database file: give the path of a file, "
            f"for example {path / 'botui.db'}"
        )
    if not path.parent.is_dir():
        raise storage_error(
            f"cannot create {path}: the folder {path.parent} does not exist; "
            "create it first or give another path"
        )
    if not path.exists():
        try:
            _create_file(path)
        except FileExistsError:
            return False
        except OSError as exc:
            raise storage_error(
                f"cannot create {path}: {exc.strerror}; choose a folder you can write to"
            ) from exc
        return True
    if not path.is_file():
        raise storage_error(f"{path} is not a regular file: give the path of a database file")
    if not os.access(path, os.R_OK):
        raise storage_error(
            f"cannot read {path}: permission denied; ask the file's owner for access"
        )
    return False


def _target(path: Path, readonly: bool) -> str:
    if not readonly:
        return str(path)
    return f"file:{quote(str(path.absolute()))}?mode=ro"


def open_database(
    path: Path | str,
    *,
    readonly: bool | None = None,
    upgrade: bool = True,
    before_upgrade: Callable[[peewee.Database], None] | None = None,
) -> peewee.Database:
    """Open (creating and migrating as needed) the database at `path` and bind the models.

    `path` is a SQLite file or a PostgreSQL URL (`postgresql://user@host:5432/dbname`).
    `upgrade=False` opens it as it is, to read: no file made, no schema made or upgraded or
    checked, no mode changed (the caller writes nothing and asks `schema_gap`).
    `before_upgrade(db)` runs in the upgrade's transaction (under the write lock) before the
    first migration, only if there is one to apply: a BotuiError there leaves the schema as
    it was.
    Raises BotuiError (`storage_error`, `busy`) in plain words.
    """
    if engine.is_postgres_url(str(path)):
        return _open_postgres(str(path), upgrade, before_upgrade)
    path = Path(path)
    # The test hooks are read first, so a bad value is refused before any file is made.
    timeout_ms = busy_timeout_ms()
    max_pages = config.env_number(MAX_PAGES_ENV, 1, MAX_PAGES, " of pages")
    if not upgrade and not path.is_file():
        raise storage_error(f"there is no database file at {path}")
    created = _check_path(path)
    if readonly is None:
        readonly = not is_writable(path)
    if not readonly and upgrade:
        _drop_world_write(path)
    db = peewee.SqliteDatabase(
        _target(path, readonly),
        # As it is: not even switched to WAL (which writes to a file in another mode). Read
        # only by SELECTs, yet not opened read-only: the last connection to close a WAL file
        # then takes its -wal and -shm files away, as botui's connections do.
        pragmas=_pragmas(readonly or not upgrade, timeout_ms, max_pages),
        lock_type="IMMEDIATE",
        timeout=timeout_ms / 1000,
        uri=readonly,
        check_same_thread=False,
    )
    _remember(db, path, readonly)
    # The search index's triggers fold text with it (migration 0005): every connection needs it.
    db.register_function(folding.sql_fold, folding.SQL_NAME, 1, deterministic=True)
    try:
        with translate_errors(path):
            db.connect()
            if readonly or not upgrade:
                db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
                if upgrade:
                    _require_current_schema(db, path)
            else:
                _migrate(db, before_upgrade)
            db.close()
    except BotuiError:
        if not db.is_closed():
            db.close()
        if created:
            _remove_new_file(path)
        raise
    database_proxy.initialize(db)
    return db


def _open_postgres(
    url: str, upgrade: bool, before_upgrade: Callable[[peewee.Database], None] | None
) -> peewee.Database:
    """Open a PostgreSQL database (it must exist), make or upgrade its schema, bind the models."""
    name = postgres.display_name(url)
    db = postgres.connect(url, busy_timeout_ms())
    _remember(db, name, readonly=False)
    try:
        with translate_errors(name):
            db.connect()
            postgres.check_server(db, name)
            if upgrade and not postgres.schema_is_current(db):
                from playhouse.migrations import Runner

                with db.atomic():  # the write lock: two first starts cannot race
                    runner = Runner(db, directory=str(MIGRATIONS_DIR))
                    if not all(m.applied for m in runner.status()):
                        if before_upgrade is not None:
                            before_upgrade(db)
                        runner.up()
            db.close()
    except BotuiError:
        release(db)
        raise
    database_proxy.initialize(db)
    return db


def release(db: peewee.Database) -> None:
    """Let the database go: this thread's connection and, on PostgreSQL, every connection kept
    for reuse (store.pg_pool), so the server holds none of botui's (a DROP, a TEMPLATE copy).
    Other threads' connections in use are closed too: call it when botui is done with `db`."""
    close_all = getattr(db, "close_all", None)
    if close_all is not None:
        close_all()
    elif not db.is_closed():
        db.close()


def _remember(db: peewee.Database, name: Path | str, readonly: bool) -> None:
    """botui's own facts on peewee's database object, which declares no such attributes: the
    file or URL (without password) it was opened from, and whether read-only."""
    vars(db).update(botui_path=name, botui_readonly=readonly)


def database_name(db: peewee.Database) -> str:
    """The file or URL (without password) that `db` was opened from, as messages say it."""
    return str(getattr(db, "botui_path", db.database))


def _remove_new_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _migrate(
    db: peewee.SqliteDatabase, before_upgrade: Callable[[peewee.Database], None] | None
) -> None:
    """Apply pending migrations under the write lock, so two first starts cannot race.

    A current schema costs one query; the migration runner loads only for an older one.
    """
    if schema_is_current(db.connection()):
        return
    from playhouse.migrations import Runner

    runner = Runner(db, directory=str(MIGRATIONS_DIR))
    if all(m.applied for m in runner.status()):
        return
    with db.atomic():
        if before_upgrade is not None:
            before_upgrade(db)
        runner.up()


def _require_current_schema(db: peewee.SqliteDatabase, path: Path) -> None:
    if not schema_is_current(db.connection()):
        raise storage_error(
            f"{path} is read-only and is not an up-to-date botui database: if it is one, "
            "open it once with write access to upgrade it"
        )


def schema_gap(db: peewee.Database) -> tuple[list[str], list[str]]:
    """How `db`'s schema stands to this botui's: the migrations it lacks and those it has that
    this botui does not know (a newer botui's), each sorted; both empty when it is current.
    A database botui never opened lacks them all. Reads only."""
    if engine.is_postgres(db):
        found = db.execute_sql("SELECT to_regclass(%s)", (MIGRATIONS_TABLE,)).fetchone()[0]
    else:
        found = db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
            (MIGRATIONS_TABLE,),
        ).fetchone()
    applied = set()
    if found is not None:
        applied = {name for (name,) in db.execute_sql(f"SELECT name FROM {MIGRATIONS_TABLE}")}
    known = migration_names()
    return sorted(known - applied), sorted(applied - known)


def schema_version(db: peewee.SqliteDatabase) -> list[str]:
    """Names of the applied migrations, oldest first."""
    from playhouse.migrations import Runner

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
    except SQLITE_ERRORS as exc:
        raise storage_failure(path, exc) from exc


def storage_failure(path: Path | str, exc: Exception) -> BotuiError:
    """The plain-words failure for one engine error on the database at `path` (file or URL)."""
    if engine.is_postgres_url(str(path)):
        known = postgres.failure(str(path), exc)
        if known is not None:
            return known
        return storage_error(f"{path}: the database failed ({exc}); nothing was saved")
    path = Path(path)
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return busy(
            f"{path} is busy: another botui kept the write lock for over "
            f"{busy_timeout_ms() / 1000:g} seconds; nothing was saved, try again"
        )
    if "readonly" in text or "read-only" in text:
        return storage_error(
            f"{path} is read-only: nothing was saved; ask for write access to the file "
            "and its folder"
        )
    if "disk is full" in text:
        return storage_error(
            f"{path}: the disk is full, nothing was saved; free some space and try again"
        )
    if "not a database" in text:
        return storage_error(
            f"{path} is not a botui database (not SQLite at all); botui left it untouched: "
            "check the --db path"
        )
    if "malformed" in text or "disk image" in text or "corrupt" in text:
        return storage_error(
            f"{path} is damaged (truncated or corrupted); botui left it untouched: "
            "restore it from a backup (see `botui backup`)"
        )
    if "unable to open" in text:
        return storage_error(
            f"cannot open {path}: check that the file and its folder exist and that you "
            "may write to the folder"
        )
    return storage_error(f"{path}: the database failed ({exc}); nothing was saved")
