"""Feedback factories. Anonymous items are made through the service (the
only way to get a follow-up code); these build named and published ones."""

import factory
from django.utils import timezone

from feedback.models import Feedback, FeedbackSupport
from tests.factories import ActiveMemberFactory


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    author = factory.SubFactory(ActiveMemberFactory)
    unit = factory.LazyAttribute(lambda f: f.author.unit)
    category = Feedback.Category.SUGGESTION
    title = factory.Sequence(lambda n: f"建议{n}：改进车间通风")
    body = "车间夏天太热，建议增加排风扇。"


class PublishedFeedbackFactory(FeedbackFactory):
    state = Feedback.State.ANSWERED
    published = True
    official_answer = "工会已与厂方协商，下月安装。"
    published_at = factory.LazyFunction(timezone.now)


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackSupport

    feedback = factory.SubFactory(PublishedFeedbackFactory)
    member = factory.SubFactory(ActiveMemberFactory)
