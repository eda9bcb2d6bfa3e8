"""Outbox delivery against a real SMTP server (aiosmtpd) and a real SMS command."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mailserver import MailServer, free_port
from unit.helpers import new_backorder, snapshot_db

from botui.domain.errors import BotuiError
from botui.domain.service import Service, call
from botui.io.outbox import send_outbox
from botui.settings import Loaded, Settings
from tests.conftest import NOW


def loaded(port: int, **sections: Any) -> Loaded:
    data = {"mail": {"host": "127.0.0.1", "port": port, "from": "Northwind <orders@nw.example>"}}
    data.update(sections)
    return Loaded(Settings.model_validate(data), Path("shop.toml"), "given by --config", True)


def send(service: Service, config: Loaded, limit: int | None = None) -> dict[str, int]:
    return send_outbox(service, config, limit).to_json()


def entries(service: Service) -> list[dict[str, Any]]:
    return call(service, "outbox", {})["data"]


def at(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    monkeypatch.setenv("BOTUI_NOW", str(seconds))


def notify(service: Service, refs: dict, message: str, channel: str = "email") -> None:
    bo = new_backorder(service, refs)
    call(service, "notifyCustomer", {"id": bo["id"], "channel": channel, "message": message})


def test_an_email_is_sent_once_with_its_headers_and_utf8_body(
    service: Service, refs: dict, mail_server: MailServer
) -> None:
    call(service, "customer.create", {"id": "CUS-Z", "name": "Zoë Çelik", "email": "zoe@x.io"})
    bo = new_backorder(service, refs | {"customer": "CUS-Z"})
    body = "Grüße, Zoë!\nYour tent ships on 2026-09-22 — ¥1,000 paid."
    note = {"id": bo["id"], "channel": "email", "subject": "Über BO-1 ✓", "message": body}
    call(service, "notifyCustomer", note)
    config = loaded(mail_server.port)

    assert send(service, config) == {"sent": 1, "failed": 0, "waiting": 0}
    assert send(service, config) == {"sent": 0, "failed": 0, "waiting": 0}

    [(recipients, _)] = mail_server.received
    assert recipients == ["zoe@x.io"]
    [message] = mail_server.messages()
    [entry] = entries(service)
    assert message["From"] == "Northwind <orders@nw.example>"
    assert message["To"] == "zoe@x.io"
    assert message["Subject"] == "Über BO-1 ✓"
    assert message["Message-ID"] == entry["messageId"]
    assert entry["messageId"] == f"<outbox-{entry['id']}.{service.database_id()}@botui>"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == body
    assert entry["status"] == "sent"
    assert entry["sentAt"] == NOW
    assert entry["attempts"] == 0 and entry["lastError"] is None


def test_a_refused_recipient_backs_off_then_fails_after_eight_attempts(
    service: Service, refs: dict, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    call(service, "customer.create", {"id": "CUS-N", "name": "No One", "email": "nobody@x.io"})
    notify(service, refs | {"customer": "CUS-N"}, "lost")
    notify(service, refs, "found")  # a good entry after a bad one is still sent
    config = loaded(mail_server.port)

    assert send(service, config) == {"sent": 1, "failed": 1, "waiting": 0}
    refused = entries(service)[0]
    assert (refused["status"], refused["attempts"]) == ("queued", 1)
    assert "550" in refused["lastError"] and "no such mailbox" in refused["lastError"]

    clock = NOW
    for attempt, wait in enumerate([60, 300, 1800, 3600, 3600, 3600, 3600], start=2):
        at(monkeypatch, clock + wait - 1)  # not yet due: untouched, counted as waiting
        before = snapshot_db(service.db)
        assert send(service, config) == {"sent": 0, "failed": 0, "waiting": 1}
        assert snapshot_db(service.db) == before
        clock += wait
        at(monkeypatch, clock)
        assert send(service, config) == {"sent": 0, "failed": 1, "waiting": 0}
        assert entries(service)[0]["attempts"] == attempt
    assert entries(service)[0]["status"] == "failed"
    assert call(service, "outbox", {"status": "failed"})["data"][0]["id"] == refused["id"]
    at(monkeypatch, clock + 86_400)
    assert send(service, config) == {"sent": 0, "failed": 0, "waiting": 0}
    assert len(mail_server.received) == 1

    again = call(service, "outbox.retry", {"id": refused["id"]})
    assert (again["status"], again["attempts"]) == ("queued", 0)
    assert send(service, config) == {"sent": 0, "failed": 1, "waiting": 0}
    sent_id = entries(service)[1]["id"]
    with pytest.raises(BotuiError) as caught:
        call(service, "outbox.retry", {"id": sent_id})
    assert caught.value.code == "conflict"


def test_a_server_that_is_down_counts_nothing(
    service: Service, refs: dict, mail_server: MailServer
) -> None:
    notify(service, refs, "hello")
    before = snapshot_db(service.db)
    with pytest.raises(BotuiError) as caught:
        send(service, loaded(free_port()))
    assert caught.value.code == "storage_error"
    assert caught.value.exit_status == 1
    assert "cannot reach the mail server 127.0.0.1:" in caught.value.message
    assert snapshot_db(service.db) == before  # no attempt, no claim left behind
    assert send(service, loaded(mail_server.port)) == {"sent": 1, "failed": 0, "waiting": 0}


def test_limit_and_a_claimed_entry_are_left_waiting(
    service: Service, refs: dict, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for text in ("one", "two", "three"):
        notify(service, refs, text)
    # Another sender holds the oldest entry (it crashed after claiming it).
    claimed = service.claim_next_outbox(["email"])
    assert claimed is not None and claimed.body == "one"
    config = loaded(mail_server.port)
    assert send(service, config, limit=1) == {"sent": 1, "failed": 0, "waiting": 2}
    assert send(service, config) == {"sent": 1, "failed": 0, "waiting": 1}
    assert [m.get_content().strip() for m in mail_server.messages()] == ["two", "three"]
    at(monkeypatch, NOW + 600)  # the crashed sender's claim has expired
    assert send(service, config) == {"sent": 1, "failed": 0, "waiting": 0}
    assert mail_server.messages()[-1].get_content().strip() == "one"


def sms_script(folder: Path, status: int) -> Path:
    script = folder / f"send-sms-{status}"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s|" "$1" >> "{folder}/sms.log"\n'
        f'cat >> "{folder}/sms.log"\n'
        f'echo "gateway says no credit" >&2\nexit {status}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_sms_goes_through_the_command_with_the_body_on_stdin(
    service: Service, refs: dict, tmp_path: Path, mail_server: MailServer
) -> None:
    notify(service, refs, "Dein Zelt ist da ✓", channel="sms")
    unconfigured = loaded(mail_server.port)
    assert send(service, unconfigured) == {"sent": 0, "failed": 0, "waiting": 1}

    failing = loaded(mail_server.port, sms={"command": [str(sms_script(tmp_path, 3)), "{to}"]})
    assert send(service, failing) == {"sent": 0, "failed": 1, "waiting": 0}
    entry = entries(service)[0]
    assert entry["lastError"] == "the SMS command exited with status 3: gateway says no credit"

    call(service, "outbox.retry", {"id": entry["id"]})
    working = loaded(mail_server.port, sms={"command": [str(sms_script(tmp_path, 0)), "{to}"]})
    assert send(service, working) == {"sent": 1, "failed": 0, "waiting": 0}
    log = (tmp_path / "sms.log").read_text(encoding="utf-8")
    assert log == "+44 20 7946 0000|Dein Zelt ist da ✓" * 2
    assert entries(service)[0]["status"] == "sent"
    assert mail_server.received == []
    assert os.environ["BOTUI_NOW"] == str(NOW)


@pytest.fixture
def login_server() -> Iterator[MailServer]:
    """An SMTP server that wants a login (orders / s3cret), without TLS for the test."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server, session, envelope, mechanism, data) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"orders",
            b"s3cret",
        )
        return AuthResult(success=good, handled=False)

    mail = MailServer()
    controller = Controller(
        mail,
        hostname="127.0.0.1",
        port=mail.port,
        authenticator=check,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    yield mail
    controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_login_uses_the_password_from_the_environment(
    service: Service, refs: dict, login_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    notify(service, refs, "hello")
    mail = {"username": "orders", "password_env": "SHOP_SMTP_PASSWORD"}
    config = loaded(login_server.port)
    config = Loaded(
        Settings.model_validate({"mail": config.settings.mail.model_dump(by_alias=True) | mail}),
        config.path,
        config.source,
        True,
    )
    before = snapshot_db(service.db)
    monkeypatch.delenv("SHOP_SMTP_PASSWORD", raising=False)
    with pytest.raises(BotuiError) as unset:
        send(service, config)
    assert (unset.value.code, unset.value.field) == ("validation_error", "mail.password_env")
    monkeypatch.setenv("SHOP_SMTP_PASSWORD", "wrong")
    with pytest.raises(BotuiError) as wrong:
        send(service, config)
    assert wrong.value.code == "storage_error" and "refused the login" in wrong.value.message
    assert snapshot_db(service.db) == before  # neither counted an attempt
    monkeypatch.setenv("SHOP_SMTP_PASSWORD", "s3cret")
    assert send(service, config) == {"sent": 1, "failed": 0, "waiting": 0}
    assert len(login_server.received) == 1
