"""Private files: kept under ``settings.PRIVATE_MEDIA_ROOT`` and never served by URL.

Welfare attachments and uploaded import files are read back only by views
that check who asks; a file field using this storage has no public address.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="lib.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under ``settings.PRIVATE_MEDIA_ROOT``, read at use time (tests point it elsewhere)."""

    @property
    def base_location(self):
        return os.fspath(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    # Readable by the server's account alone, whatever FILE_UPLOAD_PERMISSIONS says for others.
    @property
    def file_permissions_mode(self):
        return 0o600

    @property
    def directory_permissions_mode(self):
        return 0o700

    def url(self, name):
        raise ValueError("Private files have no public URL; a view that checks access serves them.")
