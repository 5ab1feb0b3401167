"""What learning adds elsewhere: officers' figures, the outreach lists, the welfare guidance, the demo."""

from django.urls import reverse

from learning import services
from learning.models import Course, Enrolment, Material, Post
from tests.dashboard.test_statistics import tables
from tests.learning.factories import MaterialFactory, course_with_questions, right_answers, wrong_answers
from welfare.models import RequestType


def test_officers_see_who_started_and_finished_per_unit_and_the_questions_most_missed(
    staff_client, officer, worker, other_worker, outsider, tree
):
    course = course_with_questions(unit=tree["root"], steps=1, pass_mark=100)
    step = course.steps.get()
    for member, answers in ((worker, right_answers(step)), (other_worker, wrong_answers(step)), (outsider, {})):
        enrolment = services.course_start(course=course, member=member)
        if answers:
            services.step_answer(enrolment=enrolment, step=step, answers=answers)
    found = tables(staff_client(officer).get(reverse("dashboard:statistics")))
    assert found["learning-per-unit"].rows == [["甲厂一车间", 2, 1]]  # union B's member is not counted
    missed = found["learning-missed-questions"].rows
    assert [(row[1], row[2]) for row in missed] == [(1, 2), (1, 2)]


def test_the_outreach_lists_name_members_who_opened_nothing_this_year(
    staff_client, officer, worker, other_worker, tree
):
    services.material_open(material=MaterialFactory(unit=tree["root"]), member=worker)
    found = tables(staff_client(officer).get(reverse("dashboard:statistics")))
    names = {row[0] for row in found["learning-outreach"].rows}
    assert "王芳" in names and "李娟" not in names
    read = {row[0]: row[4] for row in found["outreach"].rows}
    assert read["李娟"] in ("yes", "是") and read["王芳"] not in ("yes", "是")


def test_the_dashboard_panel_counts_reported_posts(staff_client, officer, worker, other_worker, tree):
    question = services.post_create(member=other_worker, thread=MaterialFactory(unit=tree["root"]), text="广告")
    services.post_report(post=question, member=worker)
    response = staff_client(officer).get(reverse("admin:index") + "?recount=1")
    assert "learning/post/?state__exact=reported" in response.content.decode()


def test_the_guidance_of_a_request_type_links_to_its_material_in_the_library(client, worker, tree):
    contract = RequestType.objects.get(code="contract-dismissal")
    material = MaterialFactory(unit=tree["root"], title="解除劳动合同与经济补偿")
    material.request_types.add(contract)
    hidden = MaterialFactory(unit=tree["union_b"], title="乙厂的资料")
    hidden.request_types.add(contract)
    client.force_login(worker.user)
    html = client.get(reverse("welfare:submit", args=["contract-dismissal"])).content.decode()
    assert reverse("learning:material", args=[material.pk]) in html and "乙厂的资料" not in html


def test_the_demo_has_a_contract_course_a_union_answer_and_a_linked_session(db):
    from django.core.management import call_command

    call_command("seed_demo")
    course = Course.objects.get(title__contains="劳动合同")
    assert course.status == Course.Status.PUBLISHED and course.steps.filter(questions__isnull=False).exists()
    assert Post.objects.filter(union_answer=True).exists()
    assert Material.objects.filter(sessions__category="learning").exists()
    assert set(Material.objects.values_list("category", flat=True)) == set(Material.Category.values)
    assert Enrolment.objects.filter(completed_at__isnull=False).exists()
    assert Material.objects.filter(request_types__code="contract-dismissal").count() == 3
