"""The configuration file: where it is found, what it may hold, errors naming file, line, key."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from botui import settings
from botui.domain.errors import BotuiError

GOOD = """\
# Northwind's botui
[mail]
host = "smtp.northwind.example"
port = 587
security = "starttls"
username = "orders"
from = "Northwind Outfitters <orders@northwind.example>"

[sms]
command = ["/usr/local/bin/send-sms", "--to={to}"]

[display]
timezone = "Europe/Berlin"

[keys]
fulfil = "F"
"quit" = "ctrl+q"
"""


def write(folder: Path, text: str, name: str = "config.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> BotuiError:
    with pytest.raises(BotuiError) as caught:
        settings.load(str(path))
    assert caught.value.code == "validation_error"
    assert caught.value.exit_status == 2
    return caught.value


def test_a_full_file_is_read_with_the_line_of_every_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    loaded = settings.load(str(path))
    mail = loaded.settings.mail
    assert (mail.host, mail.port, mail.security, mail.username) == (
        "smtp.northwind.example",
        587,
        "starttls",
        "orders",
    )
    assert mail.sender == "Northwind Outfitters <orders@northwind.example>"
    assert loaded.settings.sms.command == ["/usr/local/bin/send-sms", "--to={to}"]
    assert loaded.settings.display.zone() == zoneinfo.ZoneInfo("Europe/Berlin")
    assert loaded.settings.keys == {"fulfil": "F", "quit": "ctrl+q"}
    assert loaded.origin("mail", "port") == f"{path}:4"
    assert loaded.origin("keys", "quit") == f"{path}:17"
    assert loaded.origin("mail", "password_env") == "default"
    assert (loaded.source, loaded.found) == ("given by --config", True)


def test_the_file_is_found_by_option_then_environment_then_xdg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("BOTUI_CONFIG", raising=False)
    default = settings.load()
    assert default.path == tmp_path / "xdg" / "botui" / "config.toml"
    assert not default.found and default.settings == settings.Settings()
    assert default.settings.display.zone() is dt.UTC
    (tmp_path / "xdg" / "botui").mkdir(parents=True)
    write(tmp_path / "xdg" / "botui", '[display]\ntimezone = "Asia/Tokyo"\n')
    assert settings.load().settings.display.timezone == "Asia/Tokyo"
    env_file = write(tmp_path, "[mail]\nport = 2525\n", "env.toml")
    monkeypatch.setenv("BOTUI_CONFIG", str(env_file))
    assert settings.load().settings.mail.port == 2525
    assert settings.load().settings.display.timezone == "UTC"  # one file, never merged
    assert settings.load(str(tmp_path / "missing.toml")).found is False


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ('[mail]\nport = "25"\n', 2, "mail.port", "valid integer"),
        ("[mail]\nport = 70000\n", 2, "mail.port", "less than or equal to 65535"),
        ('[mail]\n\nhots = "x"\n', 3, "mail.hots", "the keys of [mail] are host, port"),
        ('[smtp]\nhost = "x"\n', 1, "smtp", "sections of the file are mail, sms, display, keys"),
        ('[mail]\nsecurity = "ssl"\n', 2, "mail.security", "'none', 'starttls' or 'tls'"),
        ('[mail]\nfrom = "orders"\n', 2, "mail.from", "must be an e-mail address"),
        ('[mail]\npassword_env = "my password"\n', 2, "mail.password_env", "environment"),
        ('[sms]\ncommand = ["send-sms"]\n', 2, "sms.command", '"{to}"'),
        ('[display]\ntimezone = "Mars/Olympus"\n', 2, "display.timezone", "IANA name"),
        ("[keys]\nfulfil = 3\n", 2, "keys.fulfil", "valid string"),
        ("mail.port = true\n", 1, "mail.port", "valid integer"),
        ("[mail]\nport = \n", 2, "mail.port", "not valid TOML"),
        ("[mail]\nport = 1\nport = 2\n", 3, "mail.port", "not valid TOML"),
    ],
)
def test_errors_name_the_file_the_line_and_the_key(
    tmp_path: Path, text: str, line: int, field: str, words: str
) -> None:
    path = write(tmp_path, text)
    error = refusal(path)
    assert error.message.startswith(f"{path}, line {line}: "), error.message
    assert error.field == field
    assert words in error.message
    shown = field.split(".")
    assert f"[{shown[0]}]" in error.message and shown[-1] in error.message


def test_a_file_that_is_not_text_or_not_readable_is_refused(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(b"[mail]\nhost = '\xff'\n")
    assert "is not UTF-8 text" in refusal(latin1).message
    folder = tmp_path / "a-folder.toml"
    folder.mkdir()
    assert "cannot read the configuration file" in refusal(folder).message


def test_local_time_is_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Chicago")
    zone = settings.DisplaySettings(timezone="local").zone()
    assert zone == zoneinfo.ZoneInfo("America/Chicago")
