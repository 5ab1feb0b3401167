import os
from datetime import datetime

from django.conf import settings

from . import sms_segments
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    """One file per text under ``SMS_FILE_PATH`` (``var/sms/``), as Django's file mail back-end
    writes mail: ``make run`` shows codes and texts with no provider account.

    Named ``<time>-<number>.txt``, so the newest text to a number is the last of its files.
    """

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_path = os.path.abspath(file_path or settings.SMS_FILE_PATH)
        os.makedirs(self.file_path, exist_ok=True)

    def send_messages(self, messages) -> int:
        count = 0
        for message in messages:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")  # noqa: DTZ005 - a file name on this machine
            name = os.path.join(self.file_path, f"{stamp}-{message.to.lstrip('+')}.txt")
            with open(name, "w", encoding="utf-8") as handle:
                handle.write(f"To: {message.to}\nSegments: {sms_segments(message.body)}\n\n{message.body}\n")
            count += 1
        return count
