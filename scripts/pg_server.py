"""A private PostgreSQL server for botui's tests and benchmarks, on a local socket only.

`python scripts/pg_server.py start` prints the server's URL (starting it once: later calls find
it running); `stop` ends it; `url` prints the URL if it runs. As root the server runs as the
`postgres` user (initdb refuses root). Nothing listens on TCP; authentication is `trust` on
the socket, whose folder only this machine's users can reach. fsync is off: the data is
throwaway, and the tests and benchmarks measure botui, not the disk.

The tests' conftest calls `ensure()`; `BOTUI_TEST_PG` (a URL) points them at another server.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

HOME = Path(os.environ.get("BOTUI_PG_HOME", f"/tmp/botui-pg-{os.getuid()}"))
DATA = HOME / "data"
SOCKET = HOME / "socket"
LOG = HOME / "server.log"
USER = "botui"
SETTINGS = {
    "listen_addresses": "''",
    "unix_socket_directories": f"'{SOCKET}'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "256MB",
}


class Unavailable(RuntimeError):
    """No PostgreSQL programs on this machine (install Debian's `postgresql` package)."""


def bindir() -> Path:
    """The folder of initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    if versions:
        return Path(versions[-1]).parent
    raise Unavailable("PostgreSQL is not installed: apt-get install postgresql (see .ci/run)")


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def url(database: str = "postgres") -> str:
    """The URL of `database` on this server (libpq takes the socket folder as `host`)."""
    return f"postgresql://{USER}@/{database}?host={SOCKET}"


def _as_owner(command: list[str]) -> list[str]:
    """Run as the `postgres` user when root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _owner_ids() -> tuple[int, int]:
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def running() -> bool:
    if not (DATA / "postmaster.pid").exists():
        return False
    done = subprocess.run(
        _as_owner([str(bindir() / "pg_ctl"), "status", "-D", str(DATA)]),
        capture_output=True,
        text=True,
    )
    return done.returncode == 0


def ensure() -> str:
    """Start the server unless it runs; return the URL of its `postgres` database."""
    if running():
        return url()
    HOME.mkdir(mode=0o755, exist_ok=True)
    os.chmod(HOME, 0o755)
    uid, gid = _owner_ids()
    for folder in (DATA, SOCKET):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chown(folder, uid, gid)
    os.chmod(SOCKET, 0o755)
    if not (DATA / "PG_VERSION").exists():
        subprocess.run(
            _as_owner(
                [
                    str(bindir() / "initdb"),
                    "-D",
                    str(DATA),
                    "-U",
                    USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
    options = " ".join(f"-c {key}={value}" for key, value in SETTINGS.items())
    LOG.touch()
    os.chown(LOG, uid, gid)
    done = subprocess.run(
        _as_owner(
            [
                str(bindir() / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(DATA),
                "-l",
                str(LOG),
                "-o",
                options,
            ]
        ),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 and not running():
        raise RuntimeError(f"PostgreSQL did not start: {done.stderr}\n{LOG.read_text()[-2000:]}")
    return url()


def stop() -> None:
    if running():
        subprocess.run(
            _as_owner([str(bindir() / "pg_ctl"), "stop", "-m", "fast", "-D", str(DATA)]),
            check=True,
            capture_output=True,
        )


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "start"
    try:
        if command == "start":
            print(ensure())
        elif command == "stop":
            stop()
        elif command == "url":
            if not running():
                print("not running", file=sys.stderr)
                return 1
            print(url())
        else:
            print("usage: pg_server.py start|stop|url", file=sys.stderr)
            return 2
    except Unavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
