import sys

from . import sms_segments
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """Texts written to standard output."""

    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout

    def send_messages(self, messages) -> int:
        count = 0
        for message in messages:
            self.stream.write(
                f"SMS to {message.to} ({sms_segments(message.body)} segment(s)):\n{message.body}\n{'-' * 40}\n"
            )
            count += 1
        self.stream.flush()
        return count
