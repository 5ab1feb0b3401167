from datetime import date

import pytest
from django.urls import reverse

from feedback.models import Feedback
from tests.dashboard.test_dashboard import figures
from tests.dashboard.test_statistics import tables
from tests.feedback.factories import FeedbackFactory

S = Feedback.State
C = Feedback.Category


@pytest.fixture
def feedback_items(worker, outsider):
    def item(author, **kw):
        return FeedbackFactory(author=author, submitted_on=kw.pop("on", date(2026, 3, 2)), **kw)

    return [
        item(worker),
        item(worker, state=S.RECEIVED, category=C.CANTEEN, on=date(2026, 1, 5)),
        item(worker, state=S.CONSIDERING, awaiting_answer=True),
        item(worker, state=S.ADOPTED, category=C.SAFETY),
        item(worker, state=S.ANSWERED, on=date(2025, 12, 30)),  # another year
        item(outsider),  # another union
    ]


def test_the_dashboard_counts_new_feedback_and_new_replies(staff_client, officer, feedback_items):
    found = figures(staff_client(officer).get(reverse("admin:index")))
    assert found["新的意见建议"].count == 2
    assert found["作者的新回复"].count == 1
    assert found["研究中"].count == 1


def test_feedback_per_category_and_month(staff_client, officer, feedback_items):
    found = tables(staff_client(officer).get(reverse("dashboard:statistics"), {"year": 2026}))
    per_category = {row[0]: row[1:] for row in found["feedback-per-category"].rows}
    assert per_category["合理化建议"] == [2, 0]
    assert per_category["食堂与设施"] == [1, 0]
    assert per_category["安全生产"] == [0, 1]
    per_month = {row[0]: row[1] for row in found["feedback-per-month"].rows}
    assert per_month["2026-01"] == 1 and per_month["2026-03"] == 3
