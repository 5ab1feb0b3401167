"""Attachments: checked by content, kept privately under a random name, served only as downloads."""

import random
from pathlib import Path

import pytest
from django.urls import reverse

from tests.welfare import files
from tests.welfare.factories import refused, submit
from welfare import uploads
from welfare.models import Attachment, RequestMessage, WelfareRequest

REJECTED = [
    # name, content, what the worker is told
    ("合同.pdf", files.PDF + b"0" * 3000, "is too large"),
    ("空白.pdf", b"", "is empty"),
    ("照片.png", files.EXE, "is not a PDF or a photo"),
    ("说明.pdf", "只是一段文字，不是PDF".encode(), "is not a PDF or a photo"),
    ("工资条.pdf", files.HTML, "contains web page or script code"),
    ("截图.png", files.POLYGLOT, "contains web page or script code"),
    ("伪装.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "contains web page or script code"),
]


@pytest.fixture
def english_worker(worker):
    worker.user.language = "en"
    worker.user.save()
    return worker


@pytest.fixture
def small_limit(settings):
    settings.ATTACHMENT_MAX_BYTES = 2048
    return settings


def _stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(("name", "content", "message"), REJECTED)
def test_a_bad_file_on_a_new_request_is_refused_with_a_clear_message_and_nothing_is_saved(
    client, english_worker, small_limit, name, content, message
):
    client.force_login(english_worker.user)
    response = client.post(
        reverse("welfare:submit", args=["hardship"]),
        {"description": "家里困难", "sensitivity": "normal", "attachments": [files.upload(name, content)]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert name in page
    assert WelfareRequest.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert _stored_files(small_limit) == []


@pytest.mark.parametrize(("name", "content", "message"), REJECTED)
def test_a_bad_file_on_a_reply_is_refused_and_nothing_is_saved(
    client, english_worker, small_limit, normal_request, name, content, message
):
    stored_before = _stored_files(small_limit)
    client.force_login(english_worker.user)
    response = client.post(
        reverse("welfare:reply", args=[normal_request.pk]),
        {"body": "补充材料", "attachments": [files.upload(name, content)]},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RequestMessage.objects.filter(request=normal_request).count() == 0
    assert Attachment.objects.filter(request=normal_request).count() == 1  # the one sent with the request
    assert _stored_files(small_limit) == stored_before


def test_the_service_refuses_bad_files_from_any_door(worker, small_limit):
    with refused("html"):
        submit(worker, files=[files.pdf(), files.upload("page.pdf", files.HTML)])
    assert WelfareRequest.objects.count() == 0
    assert _stored_files(small_limit) == []


def test_one_bad_file_among_good_ones_saves_none_of_them(client, english_worker, small_limit):
    client.force_login(english_worker.user)
    response = client.post(
        reverse("welfare:submit", args=["hardship"]),
        {
            "description": "家里困难",
            "sensitivity": "normal",
            "attachments": [files.pdf("a.pdf"), files.png("b.png"), files.upload("c.pdf", files.POLYGLOT)],
        },
    )
    assert response.status_code == 200
    assert "c.pdf" in response.content.decode()
    assert Attachment.objects.count() == 0
    assert _stored_files(small_limit) == []


def test_at_most_five_files_are_taken_at_a_time(client, english_worker):
    client.force_login(english_worker.user)
    response = client.post(
        reverse("welfare:submit", args=["hardship"]),
        {"description": "家里困难", "sensitivity": "normal", "attachments": [files.pdf(f"{i}.pdf") for i in range(6)]},
    )
    assert "at most 5 files" in response.content.decode()
    assert WelfareRequest.objects.count() == 0


def test_the_size_limit_follows_the_setting(settings):
    settings.ATTACHMENT_MAX_BYTES = len(files.PDF)
    assert uploads.check_upload(files.pdf()).size == len(files.PDF)
    settings.ATTACHMENT_MAX_BYTES = len(files.PDF) - 1
    with refused("too_large"):
        uploads.check_upload(files.pdf())


def test_the_default_limit_is_ten_megabytes():
    from unionportal.settings import base

    assert base.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("收入证明.pdf", files.PDF, "application/pdf"),
        ("照片.jpg", files.JPEG, "image/jpeg"),
        ("图.png", files.png_bytes(), "image/png"),
    ],
)
def test_good_files_are_kept_privately_under_a_random_name(worker, settings, name, content, content_type):
    request = submit(worker, files=[files.upload(name, content, "text/html")])
    attachment = request.attachments.get()
    assert attachment.content_type == content_type  # from the bytes, not from the browser's header
    assert attachment.original_name == name
    path = Path(attachment.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert name.rsplit(".", 1)[0] not in path.name
    assert len(path.stem) >= 30
    assert path.read_bytes() == content


def test_a_download_is_always_an_attachment_that_the_browser_does_not_sniff(client, worker):
    request = submit(worker, files=[files.upload("扫描件.pdf", files.png_bytes())])
    attachment = request.attachments.get()
    client.force_login(worker.user)
    response = client.get(reverse("welfare:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E6%89%AB%E6%8F%8F%E4%BB%B6.png" in disposition  # the name says what the bytes are
    assert b"".join(response.streaming_content) == files.png_bytes()
    assert "no-store" in response["Cache-Control"]


def test_production_hands_the_download_to_nginx(client, worker, settings):
    settings.ATTACHMENT_SERVE = "x-accel"
    request = submit(worker, files=[files.pdf("合同.pdf")])
    attachment = request.attachments.get()
    client.force_login(worker.user)
    response = client.get(reverse("welfare:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_private/" + attachment.file.name
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b""


def test_nginx_is_never_asked_for_a_file_someone_may_not_see(client, other_worker, worker, settings):
    settings.ATTACHMENT_SERVE = "x-accel"
    request = submit(worker, files=[files.pdf()])
    client.force_login(other_worker.user)
    response = client.get(reverse("welfare:attachment", args=[request.attachments.get().pk]))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_a_missing_file_on_disk_is_a_404_not_a_crash(client, worker):
    request = submit(worker, files=[files.pdf()])
    attachment = request.attachments.get()
    Path(attachment.file.path).unlink()
    client.force_login(worker.user)
    assert client.get(reverse("welfare:attachment", args=[attachment.pk])).status_code == 404


def test_photo_data_does_not_look_like_html_by_chance():
    noise = random.Random(2026).randbytes(2 * 1024 * 1024)
    assert not uploads.looks_like_html(b"\xff\xd8\xff\xe0" + noise)


@pytest.mark.parametrize(
    "content",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"   <!doctype html><p>hi",
        b"\xef\xbb\xbf<html>",
        b"GIF89a<iframe src=//evil>",
        b'%PDF-1.7 <a href="javascript:alert(1)">x</a>',
    ],
)
def test_html_is_recognised_wherever_a_browser_would_find_it(content):
    assert uploads.looks_like_html(content)


def test_file_names_are_cleaned_of_paths_and_control_characters():
    assert uploads.clean_file_name("../../etc/passwd") == "passwd"
    assert uploads.clean_file_name("C:\\Users\\李娟\\合同\x00.pdf") == "合同.pdf"
    assert uploads.clean_file_name("...") == "attachment"
