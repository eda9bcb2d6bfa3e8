"""Outbox delivery over TLS: STARTTLS and implicit TLS against a real aiosmtpd server with a
certificate made for the test; an untrusted certificate is refused before anything is sent."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailserver import MailServer
from unit.helpers import new_backorder, snapshot_db

from botui.domain.errors import BotuiError
from botui.domain.service import Service, call
from botui.io.outbox import send_outbox
from botui.settings import Loaded, Settings

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[MailServer]:
    """A server that takes mail only after STARTTLS."""
    from aiosmtpd.controller import Controller

    mail = MailServer()
    controller = Controller(
        mail,
        hostname="127.0.0.1",
        port=mail.port,
        tls_context=_server_context(certificate),
        require_starttls=True,
    )
    controller.start()
    yield mail
    controller.stop()


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[MailServer]:
    """A server that speaks TLS from the first byte (port 465 style)."""
    from aiosmtpd.controller import Controller

    mail = MailServer()
    controller = Controller(
        mail, hostname="127.0.0.1", port=mail.port, ssl_context=_server_context(certificate)
    )
    controller.start()
    yield mail
    controller.stop()


def loaded(port: int, security: str) -> Loaded:
    mail = {
        "host": "127.0.0.1",
        "port": port,
        "security": security,
        "from": "Shop <o@shop.example>",
    }
    return Loaded(Settings.model_validate({"mail": mail}), Path("shop.toml"), "test", True)


def queue_one(service: Service, refs: dict) -> None:
    bo = new_backorder(service, refs)
    call(service, "notifyCustomer", {"id": bo["id"], "channel": "email", "message": "Grüße"})


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_out_over_tls_once(
    service: Service,
    refs: dict,
    certificate: tuple[Path, Path],
    starttls_server: MailServer,
    tls_server: MailServer,
    monkeypatch: pytest.MonkeyPatch,
    security: str,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test's certificate
    server = starttls_server if security == "starttls" else tls_server
    queue_one(service, refs)
    config = loaded(server.port, security)
    assert send_outbox(service, config, None).to_json() == {"sent": 1, "failed": 0, "waiting": 0}
    assert send_outbox(service, config, None).to_json() == {"sent": 0, "failed": 0, "waiting": 0}
    [message] = server.messages()
    assert message.get_content().strip() == "Grüße"


def test_a_plain_connection_to_a_starttls_only_server_sends_nothing(
    service: Service, refs: dict, starttls_server: MailServer
) -> None:
    """security = "none" against a server that wants STARTTLS first (530): a setup problem,
    not the message's, so nothing is sent in the clear, no attempt is counted, and the error
    says what to set."""
    queue_one(service, refs)
    before = snapshot_db(service.db)
    with pytest.raises(BotuiError) as refused:
        send_outbox(service, loaded(starttls_server.port, "none"), None)
    assert refused.value.code == "storage_error"
    assert 'security = "starttls"' in refused.value.message
    assert snapshot_db(service.db) == before and starttls_server.received == []


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_an_untrusted_certificate_is_refused_and_nothing_counted(
    service: Service,
    refs: dict,
    starttls_server: MailServer,
    tls_server: MailServer,
    monkeypatch: pytest.MonkeyPatch,
    security: str,
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    server = starttls_server if security == "starttls" else tls_server
    queue_one(service, refs)
    before = snapshot_db(service.db)
    with pytest.raises(BotuiError) as refused:
        send_outbox(service, loaded(server.port, security), None)
    assert refused.value.code == "storage_error"
    assert "CERTIFICATE_VERIFY_FAILED" in refused.value.message or "certificate" in (
        refused.value.message.lower()
    )
    assert snapshot_db(service.db) == before and server.received == []
