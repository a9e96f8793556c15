"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the digest email tests and the sending bench: it speaks
the protocol and keeps every message it accepted (its Message-ID, envelope and bytes). ``mode`` injects a
fault into the answer to DATA: "accept" (250), "busy" (451, temporary), "reject" (550, permanent),
"drop" (the connection is closed without an answer, after the message arrived) or "stall" (no answer for
``stall_seconds``, then the connection is closed)."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    message_id: str
    sender: str
    recipients: list[str]
    raw: bytes

    def parsed(self) -> Message:
        return email.message_from_bytes(self.raw)


@dataclass
class SmtpHandler:
    mode: str = "accept"
    stall_seconds: float = 3.0
    fail_first: int = 0  # answer ``mode`` to the first N messages, then accept
    received: list[Received] = field(default_factory=list)
    answered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.answered += 1
            mode = self.mode if self.fail_first == 0 or self.answered <= self.fail_first else "accept"
        if mode == "busy":
            return "451 4.3.0 try again later"
        if mode == "reject":
            return "550 5.1.1 no such mailbox"
        if mode in ("drop", "stall"):
            if mode == "stall":
                await asyncio.sleep(self.stall_seconds)
            assert session.transport is not None
            session.transport.close()
            return "421 closing"  # never reaches the client: the transport is closed
        raw = envelope.original_content or b""
        found = email.message_from_bytes(raw)
        with self.lock:
            self.received.append(Received(str(found.get("Message-ID", "")), str(envelope.mail_from),
                                          list(envelope.rcpt_tos), raw))  # fmt: skip
        return "250 2.0.0 OK queued"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [r.message_id for r in self.received]


@dataclass
class SmtpServer:
    handler: SmtpHandler
    port: int

    def env(self, **extra: Any) -> dict[str, str]:
        """The PAPERTALK_* settings that send to this server (no TLS: it is on 127.0.0.1)."""
        found = {"PAPERTALK_SMTP_HOST": "127.0.0.1", "PAPERTALK_SMTP_PORT": str(self.port),
                 "PAPERTALK_SMTP_SECURITY": "none", "PAPERTALK_SMTP_TIMEOUT": "1",
                 "PAPERTALK_MAIL_FROM": "papertalk <digest@papertalk.test>"}  # fmt: skip
        return found | {k: str(v) for k, v in extra.items()}


@contextmanager
def smtp_server(handler: SmtpHandler | None = None) -> Iterator[SmtpServer]:
    handler = handler or SmtpHandler()
    with socket.socket() as probe:  # a free port (aiosmtpd's start-up check cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        controller.stop()
