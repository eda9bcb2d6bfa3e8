"""`botui outbox send`: e-mail over SMTP, SMS through the configured command, oldest first.

One entry at a time: claim it, send it, record the outcome at once (each a transaction of the
Service). A refusal by the server or the SMS command counts an attempt; a mail server that
cannot be reached at all (or refuses the login) stops the run and counts nothing.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import subprocess
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from botui import config
from botui.domain import schemas
from botui.domain.errors import BotuiError, validation
from botui.domain.service import Service
from botui.settings import Loaded, MailSettings, Settings

SMTP_TIMEOUT = 30
SMS_TIMEOUT = 60


class Refused(Exception):
    """This one entry was not accepted; its attempt counts and it is tried again later."""


class Unreachable(BotuiError):
    """The mail server cannot be reached or refuses botui itself: exit 1, nothing counted.

    The contract's codes for exit 1 are `busy` and `storage_error` only, so this is a
    `storage_error` whose message names the mail server and what to check; the UI tells it
    apart from a database's storage error by its class.
    """

    def __init__(self, message: str) -> None:
        super().__init__("storage_error", message)


def unreachable(message: str) -> BotuiError:
    """The error of a mail server that cannot be reached (see Unreachable)."""
    return Unreachable(message)


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {words}"


class MailSession:
    """One SMTP connection, opened at the first e-mail and kept for the rest of the run."""

    def __init__(self, mail: MailSettings, config_path: str) -> None:
        self.mail = mail
        self.config_path = config_path
        self._smtp: smtplib.SMTP | None = None

    @property
    def _server(self) -> str:
        return f"{self.mail.host}:{self.mail.port}"

    def _password(self) -> str:
        password = os.environ.get(self.mail.password_env, "")
        if not password:
            raise validation(
                f"[mail] username is set in {self.config_path} but the environment variable "
                f"{self.mail.password_env} (password_env) is empty; set it to the password",
                "mail.password_env",
            )
        return password

    def _connect(self) -> smtplib.SMTP:
        mail = self.mail
        password = self._password() if mail.username else ""
        context = ssl.create_default_context()
        try:
            if mail.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    mail.host,
                    mail.port,
                    local_hostname=socket.gethostname(),
                    timeout=SMTP_TIMEOUT,
                    context=context,
                )
            else:
                smtp = smtplib.SMTP(
                    mail.host, mail.port, local_hostname=socket.gethostname(), timeout=SMTP_TIMEOUT
                )
            if mail.security == "starttls":
                smtp.starttls(context=context)
            if mail.username:
                smtp.login(mail.username, password)
        except smtplib.SMTPAuthenticationError as exc:
            raise unreachable(
                f"the mail server {self._server} refused the login of {mail.username!r} "
                f"({_reply(exc.smtp_code, exc.smtp_error)}); check [mail] username in "
                f"{self.config_path} and the password in {mail.password_env}"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise unreachable(
                f"cannot reach the mail server {self._server} ({reason}); nothing was sent or "
                f"counted: check [mail] in {self.config_path} and that the server runs"
            ) from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server: Refused for this message, else unreachable."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise Refused(f"the mail server refused the recipient: {_reply(code, text)}") from None
        except smtplib.SMTPNotSupportedError as exc:
            raise Refused(f"the mail server cannot take this message: {exc}") from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing the connection: try again later
                self._smtp = None
                raise unreachable(
                    f"the mail server {self._server} stopped taking mail "
                    f"({_reply(exc.smtp_code, exc.smtp_error)}); try again later"
                ) from None
            if exc.smtp_code in (530, 538):  # STARTTLS or a login first: the setup, not the mail
                self._smtp = None
                raise unreachable(
                    f"the mail server {self._server} takes mail only over an encrypted or "
                    f"logged-in connection ({_reply(exc.smtp_code, exc.smtp_error)}); set "
                    f'[mail] security = "starttls" (or "tls") and username in {self.config_path}'
                ) from None
            raise Refused(
                f"the mail server refused the message: {_reply(exc.smtp_code, exc.smtp_error)}"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            raise unreachable(
                f"the mail server {self._server} went away while sending ({exc}); try again later"
            ) from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def email_message(entry: schemas.OutboxEntry, sender: str, now: int) -> EmailMessage:
    """The e-mail of an outbox entry: UTF-8, its stable Message-ID, quoted-printable body."""
    message = EmailMessage()
    try:
        message["From"] = sender
        message["To"] = entry.to
        message["Subject"] = entry.subject or f"About your backorder {entry.backorder}"
        message["Date"] = formatdate(now, usegmt=True)
        message["Message-ID"] = entry.message_id
        message.set_content(entry.body, charset="utf-8", cte="quoted-printable")
    except (ValueError, TypeError) as exc:
        raise Refused(f"the message cannot be written as e-mail ({exc})") from None
    return message


def send_sms(command: list[str], entry: schemas.OutboxEntry) -> None:
    """Run the SMS command with the number in place of {to} and the body on standard input."""
    args = [part.replace("{to}", entry.to) for part in command]
    try:
        done = subprocess.run(
            args, input=entry.body.encode("utf-8"), capture_output=True, timeout=SMS_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise Refused(f"the SMS command did not finish within {SMS_TIMEOUT} seconds") from None
    except OSError as exc:
        raise Refused(f"cannot run the SMS command {args[0]} ({exc.strerror or exc})") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {said[-1]}" if said else ""
        raise Refused(f"the SMS command exited with status {done.returncode}{detail}")


def configured_channels(settings: Settings) -> list[str]:
    """The channels the configuration file sets up: e-mail with a [mail] section, SMS with an
    [sms] command. (`botui outbox send` also tries the default localhost:25 without [mail]; the
    UI sends only what staff configured.)"""
    channels = ["email"] if "mail" in settings.model_fields_set else []
    return channels + (["sms"] if settings.sms.command else [])


class _Sender:
    """One run's delivery: a mail session opened at the first e-mail, the SMS command."""

    def __init__(self, loaded: Loaded) -> None:
        self.settings = loaded.settings
        self.session = MailSession(loaded.settings.mail, str(loaded.path))

    def deliver(
        self, service: Service, entry: schemas.OutboxEntry
    ) -> tuple[schemas.OutboxEntry, str | None]:
        """Send one claimed entry and record the outcome at once: the entry as recorded and
        the refusal (its attempt counted), None when it was sent. A server that cannot be
        reached releases the claim and raises, nothing counted."""
        try:
            if entry.channel == "email":
                mail = self.settings.mail
                self.session.send(email_message(entry, mail.sender, config.now()))
            else:
                send_sms(self.settings.sms.command, entry)
        except Refused as refusal:
            return service.record_outbox_attempt(entry.id, str(refusal)), str(refusal)
        except BaseException:
            service.release_outbox(entry.id)
            raise
        return service.record_outbox_sent(entry.id), None


def send_outbox(
    service: Service, loaded: Loaded, limit: int | None, channels: list[str] | None = None
) -> schemas.DeliveryResult:
    """Send the due queued entries, oldest first, at most `limit` of them.

    `channels` None: e-mail, and SMS when [sms] has a command (what `botui outbox send` does).
    """
    if channels is None:
        channels = ["email", "sms"] if loaded.settings.sms.command else ["email"]
    sender = _Sender(loaded)
    sent = failed = retrying = 0
    try:
        while limit is None or sent + failed < limit:
            entry = service.claim_next_outbox(channels)
            if entry is None:
                break
            try:
                after, refusal = sender.deliver(service, entry)
            except BotuiError as stop:
                if sent + failed:
                    stop.message += f" ({sent} sent and {failed} refused before that)"
                raise
            if refusal is None:
                sent += 1
            else:
                failed += 1
                retrying += after.status == "queued"
    finally:
        sender.session.close()
    waiting = service.count_outbox("queued") - retrying
    return schemas.DeliveryResult(sent=sent, failed=failed, waiting=waiting)


@dataclass(frozen=True)
class SentOne:
    """What sending one entry on request did: the counts, the entry as recorded, the refusal."""

    result: schemas.DeliveryResult
    entry: schemas.OutboxEntry
    refusal: str | None


def send_entry(service: Service, loaded: Loaded, entry_id: int, channels: list[str]) -> SentOne:
    """Send one queued entry now, whatever its back-off wait: someone asked for it.

    A sent entry is refused (never sent twice), as are a failed one (retry it first) and one
    another sender is delivering; an unreachable server raises, nothing counted.
    """
    entry = service.claim_outbox(entry_id, channels)
    sender = _Sender(loaded)
    try:
        after, refusal = sender.deliver(service, entry)
    finally:
        sender.session.close()
    sent = refusal is None
    waiting = service.count_outbox("queued") - (after.status == "queued")
    result = schemas.DeliveryResult(sent=int(sent), failed=int(not sent), waiting=waiting)
    return SentOne(result, after, refusal)
