"""The configuration file's sections as pydantic models (botui.settings loads the file).

Kept apart from botui.settings so that with no configuration file nothing loads pydantic
before the UI's first screen: the defaults are built when first read.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr

from botui.settings import local_zone

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
