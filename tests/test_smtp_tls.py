"""The SMTP client against real TLS: aiosmtpd on 127.0.0.1 with a certificate made for this test, offering
STARTTLS (and refusing to log in before it) or speaking TLS from the first byte (port 465 style). The
client trusts the test's certificate only through ``SSL_CERT_FILE`` (OpenSSL's default trust store), as a
server's own CA would be trusted; an untrusted certificate, a server that offers no STARTTLS and a wrong
password are each one clear line, and nothing is sent."""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from papertalk.config import MailSettings
from papertalk.services.mail.smtp_client import MailFailure, SmtpConnection
from tests.fake_smtp import SmtpHandler

USER, PASSWORD = "digest-sender", "a long smtp password"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Logins:
    seen: list[tuple[str, bool]] = field(default_factory=list)  # (login, over TLS)

    def __call__(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        encrypted = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        self.seen.append((data.login.decode(), encrypted))
        good = data.login.decode() == USER and data.password.decode() == PASSWORD
        return AuthResult(success=good, handled=False)


class _TlsController(Controller):
    """aiosmtpd's controller checks the server is up by connecting; with implicit TLS that check must speak
    TLS too, trusting the test's certificate."""

    def __init__(self, *args: Any, client_context: ssl.SSLContext | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client_context = client_context

    def _trigger_server(self) -> None:
        if self.client_context is None:
            super()._trigger_server()
            return
        with (
            socket.create_connection((self.hostname, self.port), 1.0) as raw,
            self.client_context.wrap_socket(raw, server_hostname=self.hostname) as wrapped,
        ):
            wrapped.recv(1024)


@contextmanager
def tls_server(
    certificate: tuple[Path, Path], implicit: bool, starttls: bool = True
) -> Iterator[tuple[int, SmtpHandler, Logins]]:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    handler, logins = SmtpHandler(), Logins()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    options: dict[str, Any] = {"authenticator": logins, "auth_require_tls": True}
    if implicit:
        client = ssl.create_default_context(cafile=str(cert))
        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; each login's transport is checked instead.
        controller = _TlsController(handler, hostname="127.0.0.1", port=port, ssl_context=server_context,
                                    client_context=client, authenticator=logins, auth_require_tls=False)  # fmt: skip
    elif starttls:
        controller = _TlsController(handler, hostname="127.0.0.1", port=port, tls_context=server_context,
                                    require_starttls=True, **options)  # fmt: skip
    else:
        controller = _TlsController(handler, hostname="127.0.0.1", port=port, auth_require_tls=False,
                                    authenticator=logins)  # fmt: skip
    controller.start()
    try:
        yield port, handler, logins
    finally:
        controller.stop()


def message() -> EmailMessage:
    found = EmailMessage()
    found["Subject"] = "Your papertalk digest"
    found["From"] = "papertalk <digest@papertalk.test>"
    found["To"] = "ada@example.org"
    found["Message-ID"] = "<tls-test@papertalk.test>"
    found.set_content("Today's papers.")
    return found


def send(port: int, security: str, password: str = PASSWORD) -> None:
    mail = MailSettings(host="127.0.0.1", port=port, security=security, user=USER, password=password, timeout=5)
    with SmtpConnection(mail) as connection:
        connection.send(message(), "digest@papertalk.test", "ada@example.org")


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_message_goes_out_over_tls_after_logging_in(
    certificate: tuple[Path, Path], security: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with tls_server(certificate, implicit=security == "tls") as (port, handler, logins):
        send(port, security)
        assert handler.message_ids() == ["<tls-test@papertalk.test>"]
        assert logins.seen == [(USER, True)]  # the password crossed only an encrypted connection


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_an_untrusted_certificate_is_one_line_and_nothing_is_sent(
    certificate: tuple[Path, Path], security: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "no-ca.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with tls_server(certificate, implicit=security == "tls") as (port, handler, logins):
        with pytest.raises(MailFailure) as refused:
            send(port, security)
        assert handler.received == [] and logins.seen == []
    line = str(refused.value)
    assert line.startswith(f"SMTP 127.0.0.1:{port}:") and "\n" not in line and "certificate" in line.lower()


def test_a_server_without_starttls_is_refused_before_the_password_is_sent(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with tls_server(certificate, implicit=False, starttls=False) as (port, handler, logins):
        with pytest.raises(MailFailure) as refused:
            send(port, "starttls")
        assert handler.received == [] and logins.seen == []
    assert "offers no STARTTLS" in str(refused.value) and not refused.value.temporary


def test_a_wrong_password_is_a_permanent_failure(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with tls_server(certificate, implicit=False) as (port, handler, logins):
        with pytest.raises(MailFailure) as refused:
            send(port, "starttls", password="not the password")
        # smtplib tries each mechanism the server offers (PLAIN, then LOGIN): every try was encrypted
        assert handler.received == [] and logins.seen and set(logins.seen) == {(USER, True)}
    assert "535" in str(refused.value) and not refused.value.temporary
