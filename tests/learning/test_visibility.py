"""One rule for who reads a material or a course (``learning.selectors``): for every
role the library lists exactly the items whose page answers; everything else is a 404."""

import pytest
from django.urls import reverse

from learning.models import Material
from tests.learning.factories import MaterialFactory, course_with_questions
from tests.visibility import ROLES


@pytest.fixture
def items(tree, group):
    made = {f"published in {name}": MaterialFactory(unit=unit) for name, unit in {**tree, "group": group}.items()}
    made["draft in branch_a"] = MaterialFactory(unit=tree["branch_a"], status=Material.Status.DRAFT)
    made["withdrawn in root"] = MaterialFactory(unit=tree["root"], status=Material.Status.WITHDRAWN)
    return made


@pytest.fixture
def courses(tree):
    return {name: course_with_questions(unit=unit, steps=1, title=f"课程{name}") for name, unit in tree.items()}


def test_a_courses_material_is_read_through_the_course_wherever_it_was_published(client, worker, tree):
    course = course_with_questions(unit=tree["union_a"], steps=1)
    material = course.steps.get().material
    Material.objects.filter(pk=material.pk).update(unit=tree["branch_b"])
    client.force_login(worker.user)
    assert client.get(reverse("learning:material", args=[material.pk])).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_library_lists_exactly_the_materials_and_courses_whose_page_answers(role, role_client, items, courses):
    client, user = role_client(role)
    response = client.get(reverse("learning:library"))
    if user is None:
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
        listed = set()
    else:
        listed = {("m", m.pk) for m in response.context["materials"]}
        listed |= {("c", c.pk) for c in response.context["courses"]}
    answered = set()
    # Every material, the courses' own among them (read through their course).
    every = [("m", "material", pk) for pk in Material.objects.values_list("pk", flat=True)]
    for kind, name, pk in every + [("c", "course", c.pk) for c in courses.values()]:
        detail = client.get(reverse(f"learning:{name}", args=[pk]))
        if detail.status_code == 200:
            answered.add((kind, pk))
        elif user is None:
            assert reverse("account_login") in detail["Location"]
        else:
            assert detail.status_code == 404
    assert listed == answered


def test_a_worker_reads_their_own_unit_and_the_levels_above_it(role_client, items):
    client, _user = role_client("worker")
    listed = {m.title for m in client.get(reverse("learning:library")).context["materials"]}
    assert listed == {items[f"published in {k}"].title for k in ("root", "union_a", "branch_a")}


def test_an_officer_reads_their_part_of_the_tree_and_above(role_client, items):
    client, _user = role_client("officer")
    listed = {m.title for m in client.get(reverse("learning:library")).context["materials"]}
    assert listed == {items[f"published in {k}"].title for k in ("root", "union_a", "branch_a", "group")}


def test_the_library_filters_by_topic(role_client, tree):
    MaterialFactory(unit=tree["root"], category=Material.Category.HEALTH, title="防暑")
    MaterialFactory(unit=tree["root"], category=Material.Category.WAGES, title="加班费")
    client, _user = role_client("worker")
    response = client.get(reverse("learning:library"), {"category": "health"})
    assert [m.title for m in response.context["materials"]] == ["防暑"]
    # An unknown topic is ignored, not an error.
    assert client.get(reverse("learning:library"), {"category": "x" * 5000}).status_code == 200
