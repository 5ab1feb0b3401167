"""A budget's every change is kept and shown from its admin page."""

from django.urls import reverse

from welfare.models import Budget


def test_a_budget_keeps_its_history(staff_client, chair, tree):
    budget = Budget.objects.create(unit=tree["union_a"], year=2026, amount="100000.00")
    budget.amount = "120000.00"
    budget.save()
    response = staff_client(chair).get(reverse("admin:welfare_budget_history", args=[budget.pk]))
    assert len(response.context["page_obj"].object_list) == 2
