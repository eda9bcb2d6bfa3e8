"""The SQLite library botui uses and the schema's one-query check, without loading peewee.

`botui api get` and `botui --version` need no more than this; store.db opens the database
through peewee for everything else, with the same library (peewee.sqlite3 is this SQLITE).
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from pathlib import Path
from typing import Any

# As peewee chooses: pysqlite3 (a current SQLite) when installed and not older than Python's.
try:
    from pysqlite3 import dbapi2 as _pysqlite3
except ImportError:  # pragma: no cover - the platforms without a pysqlite3 wheel
    _pysqlite3 = None
SQLITE: Any = sqlite3
if _pysqlite3 is not None and _pysqlite3.sqlite_version_info >= sqlite3.sqlite_version_info:
    SQLITE = _pysqlite3

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATIONS_TABLE = "schema_migration"
# The migration files as playhouse.migrations finds them: NNNN_name.py.
_MIGRATION_FILE = re.compile(r"[0-9].*\.py")


def sqlite_version() -> str:
    """Version of the SQLite library that botui's connections use."""
    version: str = SQLITE.sqlite_version
    return version


def is_writable(path: Path) -> bool:
    """Whether botui may change the database: a file without any write bit is read-only, even
    for root, and the folder must be writable for the -wal and -shm files."""
    mode = os.stat(path).st_mode
    return (
        bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        and os.access(path, os.W_OK)
        and os.access(path.parent, os.W_OK)
    )


def migration_names() -> set[str]:
    """The names of botui's migrations (the files in store/migrations)."""
    return {name[:-3] for name in os.listdir(MIGRATIONS_DIR) if _MIGRATION_FILE.fullmatch(name)}


def schema_is_current(connection: Any) -> bool:
    """Whether every migration is applied: one query (no table yet: a new database, not current).

    `connection` is a DB-API connection (a peewee database's `.connection()` too).
    """
    try:
        rows = connection.execute(f"SELECT name FROM {MIGRATIONS_TABLE}").fetchall()
    except SQLITE.OperationalError as exc:
        if "no such table" in str(exc):
            return False
        raise
    return migration_names() <= {name for (name,) in rows}
