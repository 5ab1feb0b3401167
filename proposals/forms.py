from django import forms
from django.utils.translation import gettext_lazy as _

from lib.text import validate_visible_text

from .models import Proposal


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "description", "when", "unit", "category"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"title": _("What would you like to do?")}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = None
        self.fields["unit"].label = _("For whom")
        for name in ("title", "description", "when"):
            self.fields[name].validators.append(validate_visible_text)


class DecisionForm(forms.Form):
    DECISIONS = [("draft", _("Turn it into an activity draft")), ("decline", _("Do not take it up"))]

    decision = forms.ChoiceField(label=_("Your decision"), choices=DECISIONS, widget=forms.RadioSelect)
    answer = forms.CharField(
        label=_("Answer to the proposer and co-signers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text=_("Needed when you do not take it up: say why."),
    )
