"""The worker's unit picker (issue 16 item 7): a searchable text box, not a dropdown of the whole
federation tree; the name typed is checked on the server, with a Chinese message when it is wrong."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Member
from tests.factories import add_unit

pytestmark = pytest.mark.django_db


def _data(unit_text, **overrides):
    data = {
        "name": "周敏",
        "gender": "F",
        "date_of_birth": "1991-04-02",
        "phone": "13900000000",
        "employee_number": "A-100",
        "unit": unit_text,
        "job_title": "质检员",
        "language": "zh-hans",
        "consent": "on",
    }
    return data | overrides


@pytest.fixture
def newcomer(client, tree):
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    return user


def test_the_profile_form_offers_the_units_as_suggestions_not_a_dropdown(client, newcomer, tree):
    page = client.get(reverse("members:profile-create")).content.decode()
    assert '<select name="unit"' not in page
    box = re.search(r'<input[^>]*name="unit"[^>]*>', page).group(0)
    assert 'type="text"' in box and 'list="id_unit_units"' in box
    options = re.findall(
        r'<option value="([^"]*)"></option>',
        re.search(r'<datalist id="id_unit_units">.*?</datalist>', page, re.S).group(0),
    )
    assert "甲厂工会 / 甲厂一车间" in options and "乙厂工会" in options


@pytest.mark.parametrize("typed", ["甲厂工会 / 甲厂一车间", "甲厂一车间", "  甲厂一车间 ", "甲厂一"])
def test_a_suggestion_a_name_or_a_unique_part_of_it_picks_the_unit(client, newcomer, tree, typed):
    response = client.post(reverse("members:profile-create"), _data(typed))
    assert response.status_code == 302
    assert Member.objects.get(user=newcomer).unit == tree["branch_a"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [("丙厂", "没有叫这个名字的单位"), ("一车间", "有 2 个单位与“一车间”相符"), ("", "这个字段是必填项")],
)
def test_a_wrong_or_ambiguous_name_gets_a_chinese_message(client, newcomer, tree, typed, message):
    response = client.post(reverse("members:profile-create"), _data(typed))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Member.objects.filter(user=newcomer).exists()


def test_two_units_of_the_same_name_are_told_apart_by_the_units_above(client, newcomer, tree):
    add_unit(tree["union_b"], "质检班", "group")
    theirs = add_unit(tree["union_a"], "质检班", "group")
    assert "有 2 个单位" in client.post(reverse("members:profile-create"), _data("质检班")).content.decode()
    client.post(reverse("members:profile-create"), _data("甲厂工会 / 质检班"))
    assert Member.objects.get(user=newcomer).unit == theirs


def test_the_edit_form_shows_the_members_unit_by_name(client, worker):
    client.force_login(worker.user)
    page = client.get(reverse("members:profile-edit")).content.decode()
    assert re.search(r'<input[^>]*name="unit"[^>]*value="甲厂工会 / 甲厂一车间"', page)


def test_the_suggestions_cost_one_query_however_many_units(client, newcomer, tree):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("members:profile-create"))
        return len(captured)

    before = queries()
    for n in range(30):
        add_unit(tree["union_a"], f"班组{n}", "group")
    assert queries() == before
