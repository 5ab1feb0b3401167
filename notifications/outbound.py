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
import socket
from base64 import b64encode, encodebytes
from collections.abc import Callable
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
# A line of the message that starts with "." (RFC 5321 4.5.2: it is sent doubled).
DOT_LINE = re.compile(rb"(?m)^\.")


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

    def send(self, notification, *, message_id: str, connection, handed_over: Callable[[], None] | None = None) -> str:
        """Send one row over ``connection`` (opened by the caller); raises on failure.

        Over SMTP, ``handed_over`` is called after the message and before the
        line that ends it: once that line is out, the server may have accepted
        the mail whether or not its answer ever reaches us. Returns the
        server's answer (with its queue id), or "" for other back-ends.
        """
        if isinstance(connection, SmtpBackend) and connection.connection is not None:
            to = _address(notification.to_email)
            message = self.compose(notification, message_id=message_id, to=to)
            plain = PLAIN_ADDRESS.fullmatch(to) and PLAIN_ADDRESS.fullmatch(self.from_address)
            return _transaction(
                connection.connection,
                self.from_address if plain else self.envelope_from,
                to,
                message,
                plain=bool(plain),
                handed_over=handed_over,
            )
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
        return ""


def _transaction(
    smtp: smtplib.SMTP,
    sender: str,
    recipient: str,
    message: bytes,
    *,
    plain: bool,
    handed_over: Callable[[], None] | None,
) -> str:
    """``smtp.sendmail(sender, [recipient], message)``, with a call just before the end of DATA.

    Plain addresses are sent as they are (smtplib parses both addresses of
    every mail: a quarter of what sending one cost here); others go through
    smtplib's own ``mail``/``rcpt``, which quote them and ask for SMTPUTF8.
    """
    smtp.ehlo_or_helo_if_needed()
    if plain:
        code, response = smtp.docmd("mail", f"FROM:<{sender}>")
    else:
        options = ["SMTPUTF8"] if not (sender + recipient).isascii() and smtp.has_extn("smtputf8") else []
        code, response = smtp.mail(sender, options)
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPSenderRefused(code, response, sender)
    code, response = smtp.docmd("rcpt", f"TO:<{recipient}>") if plain else smtp.rcpt(recipient)
    if code not in (250, 251):
        _abandon(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, response)})
    code, response = smtp.docmd("data")
    if code != 354:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, response)
    # As smtplib's data(): a line starting with "." gets a second one; the message ends with CRLF.
    body = DOT_LINE.sub(b"..", message)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    # The end of DATA goes out in a write of its own, after the mark; without TCP_NODELAY the
    # kernel holds that small write until the server acknowledges the body, which it delays
    # (Nagle's algorithm against delayed ACKs): some 20 ms a mail.
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    smtp.send(body)
    if handed_over is not None:
        handed_over()
    smtp.send(b".\r\n")
    code, response = smtp.getreply()
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, response)
    return f"{code} {response.decode('utf-8', 'replace')}"[:255]


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    # As smtplib does: a server closing the connection (421) is not asked to reset.
    if code == 421:
        smtp.close()
    else:
        smtp._rset()
