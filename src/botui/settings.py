"""The configuration file: found by --config, BOTUI_CONFIG or the XDG folder, checked by pydantic.

Exactly one file is read, never merged; a missing file means every value is the default. Every
refusal names the file, the line and the key, so staff can go straight to what to fix.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
)

# Where the file is found lives in botui.config, which `botui api` reads without pydantic.
from botui.config import CONFIG_ENV as CONFIG_ENV
from botui.config import config_home as config_home
from botui.config import locate_config as locate
from botui.domain.errors import BotuiError, validation

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _env_name(value: str) -> str:
    if not _ENV_NAME.fullmatch(value):
        raise ValueError("must be the name of an environment variable, such as BOTUI_SMTP_PASSWORD")
    return value


def _address(value: str) -> str:
    from email.utils import parseaddr  # the email package is slow to load: only for [mail]

    if "@" not in parseaddr(value)[1]:
        raise ValueError('must be an e-mail address, such as "Shop <orders@shop.example>"')
    return value


def _command(value: list[str]) -> list[str]:
    if value and not any("{to}" in part for part in value):
        raise ValueError('must hold "{to}" where the phone number goes, e.g. ["send-sms", "{to}"]')
    if value and not value[0].strip():
        raise ValueError("must start with the program to run")
    return value


def _timezone(value: str) -> str:
    if value in ("UTC", "local"):
        return value
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not a time zone: write UTC, local or an IANA name such as Europe/London"
        ) from None
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, frozen=True)


class MailSettings(_Section):
    host: Annotated[StrictStr, AfterValidator(_not_blank)] = "localhost"
    port: Annotated[StrictInt, Field(ge=1, le=65535)] = 25
    security: Literal["none", "starttls", "tls"] = "none"
    username: StrictStr = ""
    password_env: Annotated[StrictStr, AfterValidator(_env_name)] = "BOTUI_SMTP_PASSWORD"
    sender: Annotated[StrictStr, AfterValidator(_address)] = Field(
        "botui <botui@localhost>", alias="from"
    )


class SmsSettings(_Section):
    command: Annotated[list[StrictStr], AfterValidator(_command)] = []


class DisplaySettings(_Section):
    timezone: Annotated[StrictStr, AfterValidator(_timezone)] = "UTC"

    def zone(self) -> dt.tzinfo:
        """The zone every time on screen is shown in."""
        if self.timezone == "UTC":
            return dt.UTC
        if self.timezone == "local":
            return local_zone()
        return zoneinfo.ZoneInfo(self.timezone)


class Settings(_Section):
    mail: MailSettings = MailSettings()
    sms: SmsSettings = SmsSettings()
    display: DisplaySettings = DisplaySettings()
    keys: dict[StrictStr, Annotated[StrictStr, AfterValidator(_not_blank)]] = {}


def local_zone() -> dt.tzinfo:
    """The machine's zone by its IANA name (TZ, /etc/localtime) when known, else its offset."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    target = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


@dataclass(frozen=True)
class Loaded:
    """The settings in force, the file they came from, and the line of every key it holds."""

    settings: Settings
    path: Path
    source: str
    found: bool
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    def origin(self, *key: str) -> str:
        """Where a value came from: `FILE:LINE`, or "default"."""
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else "default"


def load(cli_value: str | None = None) -> Loaded:
    """Read and check the configuration file (missing: defaults), or a validation_error."""
    path, source = locate(cli_value)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Loaded(Settings(), path, source, found=False)
    except OSError as exc:
        raise validation(
            f"cannot read the configuration file {path} ({exc.strerror}); fix it or give "
            "another with --config",
            "config",
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise validation(
            f"{path} is not UTF-8 text; save the configuration file as UTF-8", "config"
        ) from None
    lines = key_lines(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, text, exc) from None
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise _invalid(path, lines, exc) from None
    return Loaded(settings, path, source, found=True, lines=lines)


# A bare or quoted key, possibly dotted (`a.b = 1`), at the start of a line.
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_HEADER = re.compile(rf"^\s*\[\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*\]")
_PARTS = re.compile(_KEY_PART)


def _split(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PARTS.findall(dotted))


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line (from 1) of every table header and key in a TOML text, by its full key path."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        quotes = line.count('"""') + line.count("'''")
        if in_string:
            in_string = quotes % 2 == 0
            continue
        header = _HEADER.match(line)
        key = None if header else _KEY.match(line)
        if header:
            table = _split(header.group(1))
            found.setdefault(table, number)
        elif key:
            found.setdefault(table + _split(key.group(1)), number)
        in_string = quotes % 2 == 1
    return found


def _where(path: Path, line: int | None) -> str:
    return f"{path}, line {line}" if line else str(path)


def _named(key: tuple[str, ...]) -> str:
    """A key as staff read it in the file: `[mail] port`, or `[smtp]` for a whole table."""
    if len(key) == 1:
        return f"[{key[0]}]"
    return f"[{key[0]}] {'.'.join(key[1:])}"


def _syntax_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> BotuiError:
    found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    reason = re.sub(r"\s*\(at .*\)$", "", str(exc))
    if not found:
        return validation(f"{path} is not valid TOML ({reason}); fix the file", "config")
    line = int(found.group(1))
    table: tuple[str, ...] = ()
    key: tuple[str, ...] | None = None
    for number, content in enumerate(text.splitlines()[:line], start=1):
        header = _HEADER.match(content)
        if header:
            table = _split(header.group(1))
        if number == line:
            match = _KEY.match(content)
            key = table + _split(match.group(1)) if match else (table or None)
    at = f" at {_named(key)}" if key else ""
    return validation(
        f"{path}, line {line}: not valid TOML{at} ({reason.lower()}, column "
        f"{found.group(2)}); fix that line",
        ".".join(key) if key else "config",
    )


def _invalid(path: Path, lines: dict[tuple[str, ...], int], exc: ValidationError) -> BotuiError:
    first = exc.errors()[0]
    key = tuple(str(part) for part in first["loc"] if not isinstance(part, int))
    line = next((lines[key[:n]] for n in range(len(key), 0, -1) if key[:n] in lines), None)
    if first["type"] == "extra_forbidden":
        model: type[BaseModel] = Settings
        for part in key[:-1]:
            model = model.model_fields[part].annotation  # type: ignore[assignment]
        known = ", ".join(f.alias or name for name, f in model.model_fields.items())
        where = f"[{key[0]}]" if len(key) > 1 else "the file"
        kind = "key" if len(key) > 1 else "section"
        message = f"{_named(key)} is not a {kind} botui knows; the {kind}s of {where} are {known}"
    else:
        text = first["msg"].removeprefix("Value error, ")
        message = f"{_named(key)}: {text}; fix it or remove it"
    return validation(f"{_where(path, line)}: {message}", ".".join(key))
