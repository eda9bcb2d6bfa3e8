"""`botui outbox send` and `botui config` through the real command, with a real SMTP server."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailserver import MailServer, free_port

from botui.domain.service import Service, call
from botui.store.db import open_database

from .runner import Target, api, botui


@pytest.fixture
def shop(db_path: Target) -> Target:
    """A database with one queued e-mail to Zoë, closed again for the command to open."""
    path = db_path
    db = open_database(path)
    service = Service(db)
    call(service, "business.create", {"id": "BIZ-1", "name": "Northwind"})
    call(service, "customer.create", {"id": "CUS-1", "name": "Zoë", "email": "zoe@x.io"})
    call(service, "product.create", {"id": "PRD-1", "sku": "TENT", "name": "Tent"})
    call(service, "create", {"id": "BO-1", "product": "PRD-1", "business": "BIZ-1",
                             "customer": "CUS-1", "quantity": 1, "price": 100})  # fmt: skip
    call(service, "notifyCustomer", {"id": "BO-1", "channel": "email", "message": "Grüße"})
    db.close()
    return path


def config_file(folder: Path, port: int, extra: str = "") -> Path:
    path = folder / "botui.toml"
    path.write_text(
        f'[mail]\nhost = "127.0.0.1"\nport = {port}\nfrom = "Shop <shop@x.io>"\n{extra}',
        encoding="utf-8",
    )
    return path


def test_outbox_send_sends_each_entry_once(
    shop: Target, tmp_path: Path, mail_server: MailServer
) -> None:
    config = str(config_file(tmp_path, mail_server.port))
    first = botui("outbox", "send", "--db", str(shop), "--config", config)
    assert (first.status, first.json) == (0, {"sent": 1, "failed": 0, "waiting": 0})
    again = botui("--config", config, "outbox", "send", "--db", str(shop), "--limit", "5")
    assert (again.status, again.json) == (0, {"sent": 0, "failed": 0, "waiting": 0})
    [message] = mail_server.messages()
    [entry] = api(shop, "outbox", {"status": "sent"}).json["data"]
    assert message["Message-ID"] == entry["messageId"]
    assert message.get_content().strip() == "Grüße"
    assert set(entry) == set(
        [
            "id",
            "backorder",
            "channel",
            "to",
            "subject",
            "body",
            "status",
            "createdAt",
            "sentAt",
            "actor",
            "attempts",
            "lastError",
            "messageId",
        ]
    )
    refused = api(shop, "outbox.retry", {"id": entry["id"]})
    assert (refused.status, refused.error["code"]) == (2, "conflict")


def test_a_mail_server_that_is_down_is_exit_1_and_counts_nothing(
    shop: Target, tmp_path: Path
) -> None:
    config = str(config_file(tmp_path, free_port()))
    down = botui("outbox", "send", "--db", str(shop), "--config", config)
    assert down.status == 1
    assert down.error["code"] == "storage_error"
    assert "cannot reach the mail server 127.0.0.1" in down.error["message"]
    [entry] = api(shop, "outbox").json["data"]
    assert (entry["status"], entry["attempts"], entry["lastError"]) == ("queued", 0, None)
    bad_limit = botui("outbox", "send", "--db", str(shop), "--config", config, "--limit", "0")
    assert (bad_limit.status, bad_limit.error["field"]) == (2, "limit")


def test_config_shows_each_value_and_where_it_came_from(tmp_path: Path) -> None:
    config = config_file(tmp_path, 2525, 'username = "orders"\n\n[keys]\nfulfil = "F"\n')
    shown = botui("config", BOTUI_CONFIG=str(config), BOTUI_SMTP_PASSWORD="hunter2-secret")
    assert shown.status == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"# configuration file: {config} (given by BOTUI_CONFIG)"
    assert any(x.startswith("port = 2525 ") and x.endswith(f"# {config}:3") for x in lines)
    assert any(x.startswith('security = "none" ') and x.endswith("# default") for x in lines)
    assert any(x.startswith('fulfil = "F" ') and x.endswith(f"# {config}:8") for x in lines)
    assert "the variable is set" in shown.stdout
    assert "hunter2" not in shown.stdout + shown.stderr


def test_a_bad_file_is_refused_naming_file_line_and_key(shop: Target, tmp_path: Path) -> None:
    config = config_file(tmp_path, 25, '\n[display]\ntimezone = "Moon/Base"\n')
    expected = f"{config}, line 7: [display] timezone: "
    for args in (
        ["api", "outbox", "--db", str(shop), "--config", str(config)],
        ["--config", str(config), "config"],
        ["outbox", "send", "--db", str(shop), "--config", str(config)],
    ):
        refused = botui(*args)
        assert refused.status == 2, args
        assert refused.error["code"] == "validation_error"
        assert refused.error["field"] == "display.timezone"
        assert refused.error["message"].startswith(expected), refused.error["message"]
    ui = botui("--db", str(shop), "--config", str(config))  # the UI does not start
    assert ui.status == 2
    assert ui.stderr.startswith(f"botui: {expected}") and ui.stdout == ""
