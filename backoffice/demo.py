"""Demo budgets, so the statistics page compares grants with a yearly budget."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from members.models import OrgUnit

from .models import Budget

BUDGETS = {"滨江机械厂工会": Decimal("200000.00"), "滨江人民医院工会": Decimal("150000.00")}


@transaction.atomic
def seed() -> None:
    if Budget.objects.exists():
        return
    year = timezone.localdate().year
    for unit in OrgUnit.objects.filter(name__in=BUDGETS):
        Budget.objects.create(unit=unit, year=year, amount=BUDGETS[unit.name], note="年度帮扶预算")
