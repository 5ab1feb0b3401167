from django import forms
from django.utils.translation import gettext_lazy as _

from lib.text import validate_visible_text

from .models import CareCase, Kind, Wish

WISH_CHOICES = [(value, label) for value, label in Wish.choices if value]


class WishForm(forms.Form):
    wish = forms.ChoiceField(
        label=_("How would you like the union to visit you?"), choices=WISH_CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything the union should know"),
        max_length=300,
        required=False,
        help_text=_("e.g. the best time, the ward and bed, or who to ask for."),
    )
    remind_worker = forms.BooleanField(
        label=_("E-mail me the day before the visit"),
        required=False,
        help_text=_("Otherwise the union sends you nothing about this visit."),
    )


class ReportForm(forms.Form):
    colleague = forms.ModelChoiceField(label=_("Colleague"), queryset=None, empty_label=_("Choose a colleague"))
    kind = forms.ChoiceField(label=_("What happened?"), choices=Kind.choices)
    reason = forms.CharField(
        label=_("Tell the union briefly"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_visible_text],
        help_text=_("The union office of your unit reads it; your colleague decides whether they want a visit."),
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues


class OpenCaseForm(forms.ModelForm):
    """The admin's add page: an officer opens a case."""

    class Meta:
        model = CareCase
        fields = ["member", "kind", "about", "reason", "confidential", "assigned_to", "companions"]


class PlanForm(forms.ModelForm):
    """The admin's change page: planning and, once it took place, the visit (or why it is cancelled)."""

    cancel_reason = forms.CharField(
        label=_("Cancel the visit, because…"),
        max_length=300,
        required=False,
        help_text=_("Only to cancel a visit still to make, e.g. the worker moved away. Leave empty otherwise."),
    )

    class Meta:
        model = CareCase
        fields = ["assigned_to", "companions", "confidential", "visited_on", "what_was_done", "brought", "follow_up_on"]
