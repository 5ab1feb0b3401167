"""Factories for activities: a published activity of union A, a week ahead."""

from datetime import timedelta

import factory
from django.utils import timezone

from activities.models import Activity
from members.models import OrgUnit


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"活动{n}")
    category = Activity.Category.LEARNING
    place = "职工之家"
    starts_at = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + timedelta(hours=2))
    capacity = 10
    status = Activity.Status.PUBLISHED

    @factory.lazy_attribute
    def unit(self):
        return OrgUnit.objects.get(name="甲厂工会")

    @factory.post_generation
    def eligible_units(self, create, extracted, **kwargs):
        if create and extracted:
            self.eligible_units.set(extracted)
