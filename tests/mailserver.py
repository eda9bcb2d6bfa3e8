"""A real SMTP server for the outbox tests (the `mail_server` fixture of conftest starts it)."""

from __future__ import annotations

import email
import email.policy
import socket


class MailServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts.

    It refuses any recipient whose address starts with `nobody@`, as a server does for a
    mailbox that does not exist.
    """

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self.port = free_port()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody@"):
            return "550 5.1.1 <" + address + ">: no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 OK: queued"

    def messages(self) -> list:
        """What the server accepted, parsed as e-mail messages."""
        return [
            email.message_from_bytes(raw, policy=email.policy.default) for _, raw in self.received
        ]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
