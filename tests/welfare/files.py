"""Small, real files for upload tests: each is what its name says, unless the test says otherwise."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(text_chunk: bytes = b"") -> bytes:
    """A 1×1 grey PNG; ``text_chunk`` goes into a tEXt chunk (where a polyglot hides its page)."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    text = _chunk(b"tEXt", b"Comment\x00" + text_chunk) if text_chunk else b""
    return b"\x89PNG\r\n\x1a\n" + header + text + _chunk(b"IDAT", zlib.compress(b"\x00\x80")) + _chunk(b"IEND", b"")


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) + b"\xff\xd9"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
POLYGLOT = png_bytes(b"<html><body><script>fetch('/me/data.json')</script></body></html>")
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return upload(name, PDF, "application/pdf")


def png(name: str = "照片.png") -> SimpleUploadedFile:
    return upload(name, png_bytes(), "image/png")
