"""A PDF that would run something when opened is refused; private files are the server's alone."""

import stat
import zlib

import pytest
from django.core.exceptions import ValidationError

from tests.welfare import files
from welfare.uploads import check_upload


def _pdf_with(catalog_extra: bytes) -> bytes:
    return files.PDF.replace(b"/Type/Catalog", b"/Type/Catalog" + catalog_extra)


@pytest.mark.parametrize(
    "extra",
    [
        b"/OpenAction 4 0 R",
        b"/Names<</JavaScript 5 0 R>>",
        b"/OpenAction<</S/J#61vaScript/JS(app.alert(1))>>",
        b"/AA<</O 4 0 R>>",
        b"/OpenAction<</S/Launch/F(cmd.exe)>>",
        b"/Names<</EmbeddedFiles 6 0 R>>",
    ],
)
def test_a_pdf_with_active_content_is_refused(extra):
    with pytest.raises(ValidationError) as refused:
        check_upload(files.upload("证明.pdf", _pdf_with(extra)))
    assert refused.value.code == "active_pdf"


def test_active_content_in_a_compressed_stream_is_refused():
    hidden = zlib.compress(b"<</Type/Action/S/JavaScript/JS(app.alert(1))>>")
    stream = b"4 0 obj<</Filter/FlateDecode/Length %d>>stream\n" % len(hidden) + hidden + b"\nendstream\nendobj\n"
    data = files.PDF.replace(b"trailer", stream + b"trailer")
    with pytest.raises(ValidationError):
        check_upload(files.upload("证明.pdf", data))


def test_a_plain_pdf_is_accepted():
    assert check_upload(files.upload("证明.pdf", files.PDF)).content_type == "application/pdf"


def test_private_files_are_written_for_the_server_alone(worker, settings):
    from tests.welfare import factories

    factories.scheme("hardship")
    request = factories.submit(worker, "hardship", files=[files.pdf("收入证明.pdf")])
    path = request.attachments.get().file.path
    import os

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
