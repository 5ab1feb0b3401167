"""After an invalid submit (issue 16 item 7): a summary at the top of the form, each error a link
to its field, the fields marked invalid and described by their error."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


class Form(forms.Form):
    name = forms.CharField(label="姓名", help_text="和身份证上一样")
    channel = forms.ChoiceField(
        label="联系方式", choices=[("sms", "短信"), ("email", "邮件")], widget=forms.RadioSelect
    )
    note = forms.CharField(label="备注", required=False)

    def clean(self):
        raise forms.ValidationError("今天不能提交。")


def test_the_summary_counts_the_places_and_links_each_error_to_its_field():
    with translation.override("zh-hans"):
        html = render_to_string("includes/form.html", {"form": Form({"note": "x"})})
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "请修改以下 3 处" in summary
    assert "<li>今天不能提交。</li>" in summary
    assert re.search(r'<a href="#id_name">姓名: [^<]+</a>', summary)
    assert re.search(r'<a href="#id_channel_0">联系方式: [^<]+</a>', summary)  # the group's first choice
    # Each link leads to an element of the page, each field names its error.
    for target in re.findall(r'href="#([^"]+)"', summary):
        assert f'id="{target}"' in html
    assert re.search(
        r'<input[^>]*name="name"[^>]*aria-invalid="true"[^>]*aria-describedby="id_name_helptext id_name_error"', html
    )
    assert re.search(r'<fieldset[^>]*aria-describedby="[^"]*id_channel_error"', html)
    assert html.count('id="id_name_error"') == 1


def test_a_valid_or_unsent_form_has_no_summary():
    assert "error-summary" not in render_to_string("includes/form.html", {"form": Form()})


@pytest.mark.django_db
def test_an_invalid_profile_shows_the_summary_in_english_too(client, worker):
    client.force_login(worker.user)
    client.post(reverse("language-set"), {"language": "en", "next": "/"})
    page = client.post(reverse("members:profile-edit"), {"name": ""}).content.decode()
    assert re.search(r"Please correct these \d+ things", page)
    assert 'href="#id_name"' in page
