"""Outbox rows as SMTP messages, composed without per-mail overhead.

Django's ``EmailMultiAlternatives`` re-encodes every header through the
``email`` package for each mail, which cost more than the SMTP exchange when
thousands of reminders go out. A reminder's MIME structure is fixed (headers
we set, a text part and an HTML part in UTF-8), so ``compose`` writes the
bytes directly; what varies and needs encoding (the subject) goes through the
standard library's RFC 2047 encoder. The result parses to the same message as
Django's (a test compares them).

``Composer`` holds what is the same for every mail of a batch (the sender,
the date's time zone); ``send`` hands the bytes to the SMTP back-end's open
connection. Other back-ends (locmem in tests, filebased in development) get
an ordinary ``EmailMultiAlternatives``.
"""

import re
import secrets
import smtplib
from base64 import b64encode, encodebytes
from email.utils import formatdate, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address

CRLF = "\r\n"
# A plain address needs none of sanitize_address's parsing (which cost as much as the SMTP exchange).
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")
# RFC 5322: a line may not be longer than 998 octets; longer ones go base64.
MAX_LINE = 998


def _address(address: str) -> str:
    if PLAIN_ADDRESS.fullmatch(address):
        return address
    return sanitize_address(address, settings.DEFAULT_CHARSET)


def _header_value(value: str) -> str:
    """A header value as ASCII: unchanged when it is, else RFC 2047 encoded words, folded.

    What ``email.header.Header(value, "utf-8").encode()`` gives in substance,
    for a tenth of its cost: base64 words of whole characters, at most 52
    encoded characters each, one per line. Line breaks become spaces.
    """
    value = value.replace("\r", " ").replace("\n", " ")
    if value.isascii() and len(value) < 900:
        return value
    words, chunk, size = [], [], 0
    for char in value:
        length = len(char.encode())
        if size + length > 39:  # 39 bytes → 52 base64 characters
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += length
    words.append("".join(chunk))
    return (CRLF + " ").join(f"=?utf-8?b?{b64encode(word.encode()).decode('ascii')}?=" for word in words)


def _part(content_type: str, body: str) -> str:
    """A UTF-8 text part: 8bit (as Django sends it) unless a line is too long for SMTP."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if all(len(line.encode()) <= MAX_LINE for line in lines):
        return (
            f'Content-Type: {content_type}; charset="utf-8"{CRLF}'
            f"Content-Transfer-Encoding: 8bit{CRLF}{CRLF}" + CRLF.join(lines)
        )
    encoded = encodebytes(body.encode()).decode("ascii").replace("\n", CRLF)
    return (
        f'Content-Type: {content_type}; charset="utf-8"{CRLF}'
        f"Content-Transfer-Encoding: base64{CRLF}{CRLF}" + encoded.rstrip(CRLF)
    )


class Composer:
    """Composes outbox rows for one connection (one batch)."""

    def __init__(self):
        self.from_email = settings.DEFAULT_FROM_EMAIL
        self.envelope_from = sanitize_address(self.from_email, settings.DEFAULT_CHARSET)
        self.from_header = _header_value(self.envelope_from)
        self.from_address = parseaddr(self.envelope_from)[1]

    def compose(self, notification, *, message_id: str, to: str | None = None) -> bytes:
        """The message as it goes over SMTP (CRLF line ends)."""
        to = to or _address(notification.to_email)
        headers = [
            f"Subject: {_header_value(notification.subject)}",
            f"From: {self.from_header}",
            f"To: {_header_value(to)}",
            f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
            f"Message-ID: {message_id}",
            "MIME-Version: 1.0",
        ]
        for name, value in (notification.headers or {}).items():
            headers.append(f"{name}: {_header_value(str(value))}")
        text = _part("text/plain", notification.body_text)
        if notification.body_html:
            boundary = "===============" + secrets.token_hex(12) + "=="
            headers.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
            body = (
                f"--{boundary}{CRLF}{text}{CRLF}--{boundary}{CRLF}"
                f"{_part('text/html', notification.body_html)}{CRLF}--{boundary}--{CRLF}"
            )
            return (CRLF.join(headers) + CRLF + CRLF + body).encode()
        # A single text part: its own headers are the message's.
        return (CRLF.join(headers) + CRLF + text).encode()

    def send(self, notification, *, message_id: str, connection) -> None:
        """Send one row over ``connection`` (opened by the caller); raises on failure."""
        if isinstance(connection, SmtpBackend) and connection.connection is not None:
            to = _address(notification.to_email)
            message = self.compose(notification, message_id=message_id, to=to)
            if PLAIN_ADDRESS.fullmatch(to) and PLAIN_ADDRESS.fullmatch(self.from_address):
                _transaction(connection.connection, self.from_address, to, message)
            else:
                connection.connection.sendmail(self.envelope_from, [to], message)
            return
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body_text,
            to=[notification.to_email],
            headers={"Message-ID": message_id, **(notification.headers or {})},
            connection=connection,
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        message.send()


def _transaction(smtp: smtplib.SMTP, sender: str, recipient: str, message: bytes) -> None:
    """``smtp.sendmail(sender, [recipient], message)`` for plain addresses, which need no parsing
    (smtplib parses both addresses of every mail: a quarter of what sending one cost here)."""
    smtp.ehlo_or_helo_if_needed()
    code, response = smtp.docmd("mail", f"FROM:<{sender}>")
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPSenderRefused(code, response, sender)
    code, response = smtp.docmd("rcpt", f"TO:<{recipient}>")
    if code not in (250, 251):
        _abandon(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, response)})
    code, response = smtp.data(message)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, response)


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    # As smtplib does: a server closing the connection (421) is not asked to reset.
    if code == 421:
        smtp.close()
    else:
        smtp._rset()
