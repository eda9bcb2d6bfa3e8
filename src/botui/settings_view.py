"""`botui config`: the settings in force as TOML, each value followed by where it came from."""

from __future__ import annotations

import json
import os
from typing import Any

from botui.settings import Loaded

_COLUMN = 44


def _toml(value: Any) -> str:
    """A value as TOML writes it (JSON's strings, numbers and arrays are TOML's too)."""
    return json.dumps(value, ensure_ascii=False)


def _line(name: str, value: Any, origin: str) -> str:
    text = f"{name if name.replace('_', '').isalnum() else _toml(name)} = {_toml(value)}"
    return f"{text.ljust(_COLUMN - 1)} # {origin}"


def describe(loaded: Loaded) -> str:
    """Every setting with its origin (FILE:LINE or "default"); a password never appears."""
    settings = loaded.settings
    state = "" if loaded.found else "; not found, so every value is the default"
    out = [f"# configuration file: {loaded.path} ({loaded.source}{state})"]
    mail = settings.mail
    out.append("\n[mail]")
    for name, value in (
        ("host", mail.host),
        ("port", mail.port),
        ("security", mail.security),
        ("username", mail.username),
        ("password_env", mail.password_env),
        ("from", mail.sender),
    ):
        origin = loaded.origin("mail", name)
        if name == "password_env":
            is_set = "set" if os.environ.get(mail.password_env) else "not set"
            origin += f"; the variable is {is_set} (its value is never shown)"
        out.append(_line(name, value, origin))
    out.append("\n[sms]")
    origin = loaded.origin("sms", "command")
    if not settings.sms.command:
        origin += "; no command, so SMS entries wait in the outbox"
    out.append(_line("command", settings.sms.command, origin))
    out.append("\n[display]")
    out.append(_line("timezone", settings.display.timezone, loaded.origin("display", "timezone")))
    out.append("\n[keys]")
    if not settings.keys:
        out.append("# none: every key is as the help screen (?) shows")
    for binding, keys in settings.keys.items():
        out.append(_line(binding, keys, loaded.origin("keys", binding)))
    return "\n".join(out) + "\n"
