"""`botui backup`: a consistent copy of a live database through SQLite's online backup API.

Only a SQLite file is backed up here; a PostgreSQL database is refused (nothing written) with
a pointer to the server's own tool, pg_dump, which copies it consistently while botui writes.
"""

from __future__ import annotations

import os
import shlex
import time
from contextlib import closing, suppress
from pathlib import Path
from urllib.parse import quote

from botui.domain.errors import BotuiError, conflict, storage_error, validation
from botui.store.db import SQLITE, busy_timeout_ms, storage_failure
from botui.store.engine import is_postgres_url
from botui.store.postgres import display_name


def _source(path: Path):
    """A read-only connection to the live database (writers keep going while it copies)."""
    if not path.is_file():
        raise storage_error(f"there is no database file at {path}: check --db or BOTUI_DB")
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    return SQLITE.connect(uri, uri=True, timeout=busy_timeout_ms() / 1000)


def _check_dest(dest: Path) -> None:
    if dest.exists() or dest.is_symlink():
        raise conflict(
            f"{dest} already exists; botui never overwrites a file with a backup: "
            "give a new file name, or move the old file away first",
            "dest",
        )
    if not dest.parent.is_dir():
        raise storage_error(f"cannot write {dest}: the folder {dest.parent} does not exist")


def _copy(src: Path, tmp: Path) -> int:
    """Copy every page in one step (a single read snapshot) and verify the copy; its page count."""
    with closing(_source(src)) as source, closing(SQLITE.connect(tmp)) as copy:
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE").fetchone()
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise storage_error(
                f"the copy of {src} failed its integrity check ({verdict}); "
                "the database itself may be damaged: nothing was written"
            )
        return copy.execute("PRAGMA page_count").fetchone()[0]


def backup(src_path: Path | str, dest: Path | str) -> str:
    """Copy the database at `src_path` to the new file `dest`; a one-line summary."""
    if is_postgres_url(src_path):
        name = display_name(str(src_path))
        raise validation(
            f"botui backup copies SQLite files and {name} is a PostgreSQL database: back it "
            "up with pg_dump, which takes a consistent copy while botui writes: "
            f"pg_dump --format=custom --file {shlex.quote(str(dest))} {shlex.quote(name)} "
            "(pg_restore puts it back); nothing was written",
            "db",
        )
    src, dest = Path(src_path), Path(dest)
    _check_dest(dest)
    started = time.monotonic()
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        pages = _copy(src, tmp)
        os.link(tmp, dest)
    except FileExistsError:
        raise conflict(f"{dest} appeared while copying; nothing was overwritten", "dest") from None
    except BotuiError:
        raise
    except SQLITE.Error as exc:
        raise storage_failure(src, exc) from exc
    except OSError as exc:
        raise storage_error(f"cannot write {dest}: {exc.strerror}; nothing was written") from exc
    finally:
        with suppress(OSError):
            os.unlink(tmp)
    size = dest.stat().st_size
    return (
        f"backed up {src} to {dest}: {pages:,} pages, {size:,} bytes, "
        f"integrity ok, in {time.monotonic() - started:.1f} s"
    )
