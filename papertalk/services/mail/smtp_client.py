"""One SMTP connection to the configured server (smtplib): STARTTLS, implicit TLS or none, with the login
when one is set, and every failure as a ``MailFailure`` of one line that says whether trying again later
may help: 4xx answers, a dropped connection and a timeout are temporary; 5xx answers are permanent."""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from types import TracebackType

from papertalk.config import MailSettings


class MailFailure(Exception):
    """One line for the log and the settings page; ``temporary``: the same message may go through later."""

    def __init__(self, line: str, temporary: bool) -> None:
        super().__init__(line)
        self.temporary = temporary


class MailOff(MailFailure):
    """No SMTP server is configured."""

    def __init__(self) -> None:
        super().__init__("mail is off: set PAPERTALK_SMTP_HOST (see docs/settings.md)", temporary=False)


def _one_line(text: object) -> str:
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(raw.split())[:300]


def failure_of(error: BaseException, where: str) -> MailFailure:
    """``error`` from smtplib or the socket as a MailFailure naming ``where``."""
    if isinstance(error, MailFailure):
        return error
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (550, b"refused"))
        return MailFailure(f"{where}: recipient refused: {code} {_one_line(text)}", code < 500)
    if isinstance(error, smtplib.SMTPResponseException):
        code = int(error.smtp_code)
        return MailFailure(f"{where}: server answered {code} {_one_line(error.smtp_error)}", not 500 <= code < 600)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return MailFailure(f"{where}: the server closed the connection ({_one_line(error) or 'no reason'})", True)
    if isinstance(error, TimeoutError | socket.timeout):
        return MailFailure(f"{where}: no answer in time (PAPERTALK_SMTP_TIMEOUT)", True)
    if isinstance(error, ssl.SSLError):
        return MailFailure(f"{where}: TLS failed: {_one_line(error)} (PAPERTALK_SMTP_SECURITY)", True)
    return MailFailure(f"{where}: {_one_line(error) or type(error).__name__}", True)


class SmtpConnection:
    """A context manager around one logged-in SMTP session; ``send`` hands over one message."""

    def __init__(self, mail: MailSettings) -> None:
        if not mail.host:
            raise MailOff()
        self.mail = mail
        self.where = f"SMTP {mail.host}:{mail.port}"
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpConnection:
        self.open()
        return self

    def open(self) -> None:
        mail, host = self.mail, str(self.mail.host)
        try:
            if mail.security == "tls":
                self.smtp = smtplib.SMTP_SSL(host, mail.port, timeout=mail.timeout,
                                             context=ssl.create_default_context())  # fmt: skip
            else:
                self.smtp = smtplib.SMTP(host, mail.port, timeout=mail.timeout)
            self.smtp.ehlo()
            if mail.security == "starttls":
                if not self.smtp.has_extn("starttls"):
                    self.close()
                    raise MailFailure(f"{self.where}: the server offers no STARTTLS (PAPERTALK_SMTP_SECURITY)", False)
                self.smtp.starttls(context=ssl.create_default_context())
                self.smtp.ehlo()
            if mail.user:
                self.smtp.login(mail.user, mail.password or "")
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise MailFailure(
                f"{self.where}: the server offers no login (AUTH) here (PAPERTALK_SMTP_USER)", False
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise failure_of(error, self.where) from None

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        if self.smtp is None:
            self.open()
        assert self.smtp is not None
        try:
            self.smtp.send_message(message, sender, [recipient])
        except (smtplib.SMTPException, OSError) as error:
            failure = failure_of(error, self.where)
            if failure.temporary:  # the session may be broken: the next message opens a new one
                self.close()
            else:
                self._reset()
            raise failure from None

    def _reset(self) -> None:
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close()

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
