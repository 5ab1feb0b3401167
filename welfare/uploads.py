"""Attachments: what we accept, how we check it, where it is kept.

A file is accepted when its *content* is a PDF or a photo — the name and the
browser's Content-Type header are not trusted — and it contains nothing a
browser could run as a web page (an HTML file named ``.pdf``, a PNG with an
HTML payload). Files are kept under ``settings.PRIVATE_MEDIA_ROOT`` with a
random name and are only ever served by ``welfare.views.attachment_download``.
"""

import os
import re
import unicodedata
import zlib
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Content types we accept, by what the bytes say, and the extension we store and serve them with.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "image/heif": ".heic",
}
# Names a worker may give each type; any other name gets the type's own extension on download.
NAME_EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg", ".jfif", ".jpe"},
    "image/png": {".png"},
    "image/webp": {".webp"},
    "image/heic": {".heic", ".heif"},
    "image/heif": {".heic", ".heif"},
}
MAX_FILES_PER_UPLOAD = 5

# Browsers decide "this is HTML" from the first bytes (WHATWG MIME sniffing): any tag there is refused.
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?[\s\x00]*<(?:!doctype\s+html|html|head|body|script|iframe|svg|\?xml|!--|h1|div|font|table"
    rb"|a|style|title|b|br|p|meta|object|embed)[\s/>]",
    re.IGNORECASE,
)
# Anywhere in the file (a polyglot hides its page after a valid image header). Only patterns long enough
# that compressed photo data practically never contains them by chance.
_HTML_ANYWHERE = re.compile(
    rb"<(?:script|html|body|iframe|frameset|object|embed|svg|meta|!doctype\s+html)[\s/>]"
    rb"|javascript:|\bon(?:load|error|click|mouseover|focus)\s*=",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that passed every check, with what its content really is."""

    upload: UploadedFile
    name: str
    content_type: str
    size: int


def clean_file_name(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .") or "attachment"
    stem, extension = os.path.splitext(name)
    return stem[: 190 - len(extension[:10])] + extension[:10]


def download_name(original_name: str, content_type: str) -> str:
    """The name offered on download: the worker's name, with an extension that matches the content."""
    stem, extension = os.path.splitext(original_name)
    if extension.lower() in NAME_EXTENSIONS.get(content_type, set()):
        return original_name
    return (stem or "attachment") + EXTENSIONS.get(content_type, "")


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML_START.match(data[:1024]) or _HTML_ANYWHERE.search(data))


def detect_content_type(data: bytes) -> str | None:
    """The accepted type the bytes are, by their signature; ``None`` when they are none of ours."""
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return None
    if not matches:
        return None
    best = max(match.confidence for match in matches)
    for match in matches:
        if match.confidence == best and match.mime_type in EXTENSIONS:
            return match.mime_type
    return None


# PDF names that make a reader act on its own when the file is opened or viewed: run
# script, open an action, launch a program, carry files. A byte scan, not a PDF library:
# a parser that must accept broken files to find them is more code to trust than the scan.
_ACTIVE_PDF_NAMES = re.compile(rb"/(JavaScript|JS|OpenAction|AA|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.DOTALL)


def _pdf_texts(data: bytes):
    """The PDF's bytes, then every stream that inflates (object streams hide names there)."""
    yield data
    for match in _PDF_STREAM.finditer(data):
        try:
            yield zlib.decompressobj().decompress(match.group(1), 4 * len(data) + 65536)
        except zlib.error:
            continue


def pdf_has_active_content(data: bytes) -> bool:
    # ``/J#61vaScript`` is ``/JavaScript`` to a reader: undo the escapes before looking.
    unescape = lambda m: bytes([int(m.group(1), 16)])  # noqa: E731
    return any(_ACTIVE_PDF_NAMES.search(_PDF_HEX_ESCAPE.sub(unescape, text)) for text in _pdf_texts(data))


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Check one uploaded file, or raise ``ValidationError`` with a message the worker understands."""
    name = clean_file_name(upload.name)
    limit = settings.ATTACHMENT_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s); a file may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if looks_like_html(data):
        raise ValidationError(
            _("“%(name)s” contains web page or script code, which is not accepted. Please send a PDF or a photo.")
            % {"name": name},
            code="html",
        )
    content_type = detect_content_type(data)
    if content_type is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF or a photo (JPEG, PNG, WebP, HEIC). "
                "Other kinds of file are not accepted; please save documents as PDF."
            )
            % {"name": name},
            code="wrong_type",
        )
    if content_type == "application/pdf" and pdf_has_active_content(data):
        raise ValidationError(
            _(
                "“%(name)s” contains scripts, automatic actions or embedded files, which are not accepted. "
                "Please print it to a new PDF (or scan it) and send that."
            )
            % {"name": name},
            code="active_pdf",
        )
    return CheckedUpload(upload=upload, name=name, content_type=content_type, size=size)


def check_uploads(uploads) -> list[CheckedUpload]:
    """Check every file before any is kept, so one bad file saves nothing. Raises with all problems."""
    uploads = [upload for upload in uploads or [] if upload is not None]
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(_("Attach at most %(n)d files at a time.") % {"n": MAX_FILES_PER_UPLOAD}, code="too_many")
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return checked
