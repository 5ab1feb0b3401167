"""Articles are rich text written by officers: what a worker's browser gets is sanitised."""

from django.urls import reverse

from learning.models import Material
from learning.text import reading_minutes, sanitise_html
from tests.learning.factories import MaterialFactory


def test_scripts_styles_and_event_handlers_are_removed_when_an_article_is_saved(tree):
    material = MaterialFactory(
        unit=tree["root"],
        body='<p onclick="steal()">合同<script>alert(1)</script></p><style>p{}</style>'
        '<a href="javascript:alert(1)">点我</a><img src=x onerror=alert(1)><iframe src="//evil"></iframe>',
    )
    material.refresh_from_db()
    assert "script" not in material.body and "onclick" not in material.body and "onerror" not in material.body
    assert "javascript:" not in material.body and "<iframe" not in material.body and "<style" not in material.body
    assert "<p>合同</p>" in material.body


def test_headings_lists_tables_and_plain_links_are_kept():
    html = '<h2>标题</h2><ul><li>一</li></ul><table><tr><th scope="col">甲</th></tr></table><a href="https://x.cn">链接</a>'
    cleaned = sanitise_html(html)
    for kept in ("<h2>标题</h2>", "<li>一</li>", '<th scope="col">甲</th>', 'href="https://x.cn"'):
        assert kept in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_an_article_has_a_reading_time_from_its_length(tree):
    assert reading_minutes("<p>短</p>") == 1
    material = MaterialFactory(unit=tree["root"], body="<p>" + "字" * 1500 + "</p>")
    assert material.minutes == 5


def test_the_page_shows_the_article_with_its_reading_time(client, worker, tree):
    material = MaterialFactory(unit=tree["root"], title="试用期", body="<h2>试用期多长</h2><p>最长六个月。</p>")
    client.force_login(worker.user)
    response = client.get(reverse("learning:material", args=[material.pk]))
    assert "<h2>试用期多长</h2>" in response.content.decode()
    assert response.context["material"].minutes == 1


def test_opening_a_material_is_recorded_once_per_member(client, worker, tree):
    material = MaterialFactory(unit=tree["root"])
    client.force_login(worker.user)
    for _ in range(2):
        client.get(reverse("learning:material", args=[material.pk]))
    assert worker.learning_opens.get().material == material


def test_a_pdf_is_served_only_to_a_reader_as_a_download_that_is_not_sniffed(client, worker, outsider, tree):
    from django.core.files.base import ContentFile

    from tests.welfare import files

    material = MaterialFactory.build(unit=tree["union_a"], kind=Material.Kind.PDF, content_type="application/pdf")
    material.file.save("rules.pdf", ContentFile(files.pdf().read()), save=False)
    material.save()
    url = reverse("learning:material-file", args=[material.pk])
    client.force_login(worker.user)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    client.force_login(outsider.user)
    assert client.get(url).status_code == 404


def test_an_article_has_no_file_to_download(client, worker, tree):
    material = MaterialFactory(unit=tree["root"])
    client.force_login(worker.user)
    assert client.get(reverse("learning:material-file", args=[material.pk])).status_code == 404
