"""The member card's QR code scans: a phone screenshot of the card page decodes, with a real
decoder (zbar's ``zbarimg``), to the member's own card URL. An applicant's card scans too."""

import shutil
import subprocess

import pytest

from members import services
from members.models import Member
from tests.e2e.conftest import JOURNEY, log_in
from tests.factories import ActiveMemberFactory, MemberFactory

pytestmark = [*JOURNEY, pytest.mark.parametrize("viewport", ["phone"])]

ZBARIMG = shutil.which("zbarimg")


def decoded_qr(path) -> list[str]:
    if ZBARIMG is None:
        pytest.skip("needs zbar: apt-get install zbar-tools (for zbarimg)")
    done = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line for line in done.stdout.splitlines() if line]


@pytest.mark.parametrize("status", ["active", "applicant"])
def test_the_card_qr_on_a_phone_decodes_to_the_members_card_url(journey, tree, status, tmp_path, settings):
    settings.SITE_URL = journey.live_server.url
    if status == "active":
        member = ActiveMemberFactory(unit=tree["branch_a"], name="李娟", user__email="card.active@example.cn")
    else:
        member = MemberFactory(
            unit=tree["branch_a"], name="张敏", user__email="card.applicant@example.cn", status=Member.Status.APPLICANT
        )
    worker = journey.person("worker")
    log_in(worker, member.user.email, "pass-word-123")
    worker.check("profile")
    worker.goto("/me/card/")
    worker.check(f"card-{status}")

    shot = tmp_path / "card.png"
    worker.page.screenshot(path=str(shot), full_page=True)
    assert decoded_qr(shot) == [services.member_card_url(member)]

    # The whole code, quiet zone included, is inside the screen and not clipped by its box.
    svg = worker.main.locator(".qr svg").bounding_box()
    assert svg["x"] >= 0 and svg["x"] + svg["width"] <= 390
    clip = worker.main.locator(".qr svg").evaluate(
        "svg => { const v = svg.viewBox.baseVal; return [v.width, v.height]; }"
    )
    assert clip[0] > 0 and clip[0] == clip[1]
