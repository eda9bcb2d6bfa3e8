"""Where the database lives, what time it is and who is acting: read from the environment."""

from __future__ import annotations

import getpass
import os
import time
from pathlib import Path

APP_NAME = "botui"


def default_db_path() -> Path:
    """`botui.db` in the user's data folder (XDG_DATA_HOME or ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / APP_NAME / "botui.db"


def resolve_db_path(cli_value: str | None) -> Path:
    """The database path: `--db`, else BOTUI_DB, else the default in the user's data folder."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("BOTUI_DB")
    if env:
        return Path(env)
    return default_db_path()


def now() -> int:
    """Unix seconds: BOTUI_NOW when set (frozen time for tests and demos), else the real clock."""
    frozen = os.environ.get("BOTUI_NOW")
    if frozen is not None and frozen.strip() != "":
        return int(frozen)
    return int(time.time())


def actor() -> str:
    """Who is acting: BOTUI_ACTOR when set, else the login name."""
    value = os.environ.get("BOTUI_ACTOR")
    if value:
        return value
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still record something stable
        return f"uid-{os.getuid()}"
