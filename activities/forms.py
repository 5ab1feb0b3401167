from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import label_split_datetimes

from . import services
from .models import Activity


class ActivityFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Activity.Category.choices]
    )
    for_me = forms.BooleanField(label=_("Only activities I can join"), required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        help_text=_("5 is excellent, 1 is poor."),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CheckInForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)


class CancelActivityForm(forms.Form):
    """The reason is sent to everyone signed up."""

    reason = forms.CharField(
        label=_("Reason, sent to everyone signed up"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ActivityAdminForm(forms.ModelForm):
    """The officer's form. Status moves through actions (publish, cancel), and
    a capacity below the places already taken is refused here already."""

    class Meta:
        model = Activity
        fields = [
            "title",
            "category",
            "unit",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "signup_opens_at",
            "signup_closes_at",
            "cancellation_cutoff",
            "reminder_lead",
            "capacity",
            "waiting_list",
            "allocation",
            "members_only",
            "gender",
            "min_age",
            "max_age",
            "retired",
            "eligible_units",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_split_datetimes(self)

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            services.activity_capacity_check(activity=self.instance, capacity=capacity)
        return capacity


class DoorForm(forms.Form):
    """The check-in screen: a membership number typed at the door, or what the camera read off the card."""

    card = forms.CharField(
        label=_("Membership number"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True}
        ),
        help_text=_("Type the number on the member card, or scan its QR code."),
    )
