"""The benchmark's seed command stays working (the benchmark itself runs with ``make bench``)."""

from io import StringIO

from django.core.management import call_command

from activities.models import Activity, Registration
from feedback.models import Feedback
from members.models import Member, OrgUnit, User
from tests.bench.management.commands.bench_seed import BENCH_OFFICER_EMAIL, BENCH_WORKER_EMAIL, Command
from welfare.models import WelfareRequest


def test_bench_seed_loads_a_union_once_with_the_people_the_benchmark_logs_in_as(db):
    call_command(Command(), scale=0.002, unions=2, stdout=StringIO())
    members = Member.objects.count()
    assert members == 200
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.GROUP).count() == 20
    assert Member.objects.filter(user__email=BENCH_WORKER_EMAIL, status=Member.Status.ACTIVE).exists()
    officer = User.objects.get(email=BENCH_OFFICER_EMAIL)
    assert officer.is_staff and officer.has_perm("members.view_member")
    # Every member sits in the unit tree under its own grassroots union.
    assert not Member.objects.exclude(unit__path__startswith=OrgUnit.objects.get(depth=1).path).exists()

    assert Activity.objects.count() == 2
    assert 0 < Registration.objects.count() <= 400
    assert WelfareRequest.objects.count() == 200
    assert WelfareRequest.objects.filter(member__user__email=BENCH_WORKER_EMAIL).count() >= 8
    assert not WelfareRequest.objects.filter(reference__isnull=True).exists()
    feedback = Feedback.objects.count()
    assert feedback == 100
    assert Feedback.objects.filter(published=True).exists()

    call_command(Command(), scale=0.002, unions=2, stdout=StringIO())
    assert Member.objects.count() == members
    assert Feedback.objects.count() == feedback
