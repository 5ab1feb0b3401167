"""The kept ``{% url %}``: the same links as Django's tag, under any prefix."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from members.models import OrgUnit


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_it_links_like_django_with_arguments_and_escapes():
    assert render("{% url 'activities:detail' 7 %}") == reverse("activities:detail", args=[7])
    assert render("{% url 'activities:detail' pk=8 %}") == reverse("activities:detail", kwargs={"pk": 8})
    assert render("{% url 'members:profile' as link %}[{{ link }}]") == f"[{reverse('members:profile')}]"
    assert render("{% url 'members:card-scan' token %}", token="a&b") == "/me/card/scan/a&amp;b/"


def test_a_kept_link_follows_the_url_prefix():
    before = render("{% url 'members:profile' %}")
    try:
        set_script_prefix("/union/")
        assert render("{% url 'members:profile' %}") == "/union" + before
    finally:
        set_script_prefix("/")
    assert render("{% url 'members:profile' %}") == before


@pytest.mark.django_db
def test_an_object_argument_is_reversed_each_time_by_what_it_says():
    unit = OrgUnit(pk=3, name="5")  # str() of the unit is its name, not its id
    assert render("{% url 'activities:detail' unit %}", unit=unit) == reverse("activities:detail", args=["5"])
    unit.name = "6"
    assert render("{% url 'activities:detail' unit %}", unit=unit) == reverse("activities:detail", args=["6"])


def test_an_unknown_name_still_fails_loudly_unless_kept_in_a_variable():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")
    assert render("{% url 'no-such-page' as link %}[{{ link }}]") == "[]"
