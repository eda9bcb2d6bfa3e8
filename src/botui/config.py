"""Where the database lives, what time it is and who is acting: read from the environment."""

from __future__ import annotations

import getpass
import os
import re
import time
from pathlib import Path

from botui.domain.limits import MAX_DATE
from botui.errors import validation

APP_NAME = "botui"
CONFIG_ENV = "BOTUI_CONFIG"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def default_db_path() -> Path:
    """`botui.db` in the user's data folder (XDG_DATA_HOME or ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / APP_NAME / "botui.db"


def is_database_url(target: object) -> bool:
    """Whether `--db` names a PostgreSQL database (`postgresql://...` or `postgres://...`).

    The same test as store.engine.is_postgres_url, here so the CLI can tell without peewee.
    """
    return isinstance(target, str) and target.lower().startswith(POSTGRES_SCHEMES)


def resolve_db_path(cli_value: str | None) -> Path | str:
    """The database: `--db`, else BOTUI_DB, else the default in the user's data folder.

    A file is a Path; a PostgreSQL URL stays the str it was (never a Path: `//` would fold).
    """
    value = cli_value or os.environ.get("BOTUI_DB")
    if not value:
        return default_db_path()
    return value if is_database_url(value) else Path(value)


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
# More digits than any range botui checks: such a text is out of range without converting it.
_MAX_DIGITS = 40


def whole_number(
    text: str,
    name: str,
    low: int,
    high: int,
    unit: str = "",
    advice: str = "fix it",
    field: str | None = None,
) -> int:
    """`text` as an integer from `low` to `high`, else a validation_error naming `name`
    (and `field`, when the input's field is not spelled as the message names it).

    Only ASCII digits with an optional sign are numbers here: Python's int() would also take
    "1_000" or other scripts' digits, and a huge value would fail later, inside SQLite.
    """
    text = text.strip()
    number = _WHOLE_NUMBER.fullmatch(text) is not None
    value = int(text) if number and len(text.lstrip("+-0")) <= _MAX_DIGITS else None
    if value is None or not low <= value <= high:
        shown = text if len(text) <= 40 else text[:37] + "..."
        found = f"{shown} is out of range" if number else f"not {shown!r}"
        raise validation(
            f"{name} must be a whole number{unit} from {low:,} to {high:,} ({found}); {advice}",
            field or name,
        )
    return value


def env_number(name: str, low: int, high: int, unit: str = "") -> int | None:
    """The integer in the environment variable `name` (None when unset or empty), range-checked."""
    value = os.environ.get(name, "")
    if not value.strip():
        return None
    return whole_number(value, name, low, high, unit, "fix it or unset it")


def now() -> int:
    """Unix seconds: BOTUI_NOW when set (frozen time for tests and demos), else the real clock.

    A BOTUI_NOW that is not a contract date (0 to the year 3000) is a validation_error.
    """
    frozen = env_number("BOTUI_NOW", 0, MAX_DATE, " of Unix seconds")
    return int(time.time()) if frozen is None else frozen


def config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def locate_config(cli_value: str | None) -> tuple[Path, str]:
    """The configuration file and why it is that one: --config, else BOTUI_CONFIG, else XDG."""
    if cli_value:
        return Path(cli_value), "given by --config"
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env), f"given by {CONFIG_ENV}"
    return config_home() / APP_NAME / "config.toml", "the default location"


def config_file_exists(cli_value: str | None) -> bool:
    """Whether there is a configuration file to read (anything but "no such file" counts:
    settings.load then says what is wrong with it), without loading botui.settings."""
    try:
        os.stat(locate_config(cli_value)[0])
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


def check_environment() -> None:
    """Refuse, before anything runs, an environment variable botui would read wrongly."""
    now()


def actor() -> str:
    """Who is acting: BOTUI_ACTOR when set, else the login name."""
    value = os.environ.get("BOTUI_ACTOR")
    if value:
        return value
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still record something stable
        return f"uid-{os.getuid()}"
