"""The configuration file: found by --config, BOTUI_CONFIG or the XDG folder, checked by pydantic.

Exactly one file is read, never merged; a missing file means every value is the default. Every
refusal names the file, the line and the key, so staff can go straight to what to fix.

The sections' models live in botui.settings_model and load (with pydantic) only when a file is
read or a setting is first asked for: with no file, the UI opens without pydantic.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Where the file is found lives in botui.config, which `botui api` reads without pydantic.
from botui.config import CONFIG_ENV as CONFIG_ENV
from botui.config import config_home as config_home
from botui.config import locate_config as locate
from botui.domain.errors import BotuiError, validation

if TYPE_CHECKING:
    import tomllib

    from pydantic import ValidationError

    from botui.settings_model import DisplaySettings as DisplaySettings
    from botui.settings_model import MailSettings as MailSettings
    from botui.settings_model import Settings as Settings
    from botui.settings_model import SmsSettings as SmsSettings

# The models, as `botui.settings.Settings` etc., loaded when first named (PEP 562).
_MODELS = ("Settings", "MailSettings", "SmsSettings", "DisplaySettings")


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        from botui import settings_model

        return getattr(settings_model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def local_zone() -> dt.tzinfo:
    """The machine's zone by its IANA name (TZ, /etc/localtime) when known, else its offset."""
    import zoneinfo

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
    """The settings in force, the file they came from, and the line of every key it holds.

    `checked` is what the file held; None means every value is the default, and `settings`
    builds those when first read (so opening the UI with no file never loads pydantic).
    """

    checked: Settings | None
    path: Path
    source: str
    found: bool
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        if self.checked is None:
            from botui.settings_model import Settings

            object.__setattr__(self, "checked", Settings())
        assert self.checked is not None
        return self.checked

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
        return Loaded(None, path, source, found=False)
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
    import tomllib

    from pydantic import ValidationError

    from botui.settings_model import Settings

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
    from pydantic import BaseModel

    from botui.settings_model import Settings

    first = exc.errors()[0]
    key = tuple(str(part) for part in first["loc"] if not isinstance(part, int))
    line = next((lines[key[:n]] for n in range(len(key), 0, -1) if key[:n] in lines), None)
    if first["type"] == "extra_forbidden":
        model: type[BaseModel] = Settings
        for part in key[:-1]:
            section = model.model_fields[part].annotation  # [mail], [sms]...: each a model
            if isinstance(section, type) and issubclass(section, BaseModel):
                model = section
        known = ", ".join(f.alias or name for name, f in model.model_fields.items())
        where = f"[{key[0]}]" if len(key) > 1 else "the file"
        kind = "key" if len(key) > 1 else "section"
        message = f"{_named(key)} is not a {kind} botui knows; the {kind}s of {where} are {known}"
    else:
        text = first["msg"].removeprefix("Value error, ")
        message = f"{_named(key)}: {text}; fix it or remove it"
    return validation(f"{_where(path, line)}: {message}", ".".join(key))
