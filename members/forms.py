from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.flows.manage_email import assess_unique_email
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.forms import SelectableFieldsExportForm

from lib.phones import phone_normalise

from .models import DeletionRequest, ImportJob, Member, OrgUnit


def privacy_notice_link() -> str:
    """The link beside a consent: the notice the worker agrees to, in a new tab (the form keeps what they typed)."""
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        reverse("privacy"),
        _("Read the personal information protection notice (opens in a new tab)"),
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.depth - 1) + obj.name


class UnitSearchInput(forms.TextInput):
    """A text box with the units as the browser's own suggestions (``<datalist>``): type a few
    characters, pick one. Without suggestions (an old browser) the typed name is matched on the server."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.labels: list[str] = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}_units"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', name)}_units"
        options = format_html_join("", '<option value="{}"></option>', ((label,) for label in self.labels))
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


class UnitSearchField(forms.ModelChoiceField):
    """A unit chosen by its name, for the worker's forms: hundreds of units are no dropdown.

    Takes the full name from the suggestions ("甲厂工会 / 一车间"), a unit's own name when only one
    unit has it, a part of a name that only one unit contains, or (for older pages and scripts) an id.
    """

    widget = UnitSearchInput
    default_error_messages = {
        "invalid_choice": _("No unit has this name. Type a few characters and choose your unit from the list."),
        "ambiguous": _("%(count)s units match “%(text)s”. Choose yours from the list (with the units above it)."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("Type a few characters of your unit's name, then choose it from the list."))
        super().__init__(*args, **kwargs)
        self._labels: dict[int, str] | None = None

    @property
    def labels(self) -> dict[int, str]:
        if self._labels is None:
            from .selectors import unit_labels

            self._labels = unit_labels(self.queryset)
        return self._labels

    def get_bound_field(self, form, field_name):
        self.widget.labels = list(self.labels.values())
        return super().get_bound_field(form, field_name)

    def prepare_value(self, value):
        if isinstance(value, OrgUnit):
            value = value.pk
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return self.labels.get(int(value), value)
        return value

    def to_python(self, value):
        text = " ".join(str(value or "").split())
        if text in self.empty_values:
            return None
        by_label = [pk for pk, label in self.labels.items() if " ".join(label.split()) == text]
        if not by_label:
            by_label = [pk for pk, label in self.labels.items() if label.rsplit(" / ", 1)[-1] == text]
        if not by_label and text.isdigit() and int(text) in self.labels:
            by_label = [int(text)]
        if not by_label:
            by_label = [pk for pk, label in self.labels.items() if text in label.rsplit(" / ", 1)[-1]]
        if len(by_label) > 1:
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"count": len(by_label), "text": text}
            )
        if not by_label:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return self.queryset.get(pk=by_label[0])


class DateInput(forms.DateInput):
    """An HTML date input: the browser takes and sends only ISO dates, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class ProfileForm(forms.ModelForm):
    """The worker's own profile. Status, numbers and consent are not theirs to edit."""

    unit = UnitSearchField(queryset=OrgUnit.objects.order_by("path"), label=_("Organisational unit"))

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "date_of_birth",
            "phone",
            "employee_number",
            "unit",
            "job_title",
            "retired",
            "language",
            "channel",
            "wants_optional_sms",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}),
            "channel": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without the choice (an older page, a script) keeps the member's own.
        self.fields["channel"].required = False

    def clean_channel(self):
        return self.cleaned_data["channel"] or self.instance.channel or Member.Channel.AUTO

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return phone_normalise(phone) if phone else ""

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today or born.year < today.year - 120:
            raise forms.ValidationError(_("Enter your real date of birth."))
        return born

    def clean(self):
        cleaned = super().clean()
        unit, number = cleaned.get("unit"), cleaned.get("employee_number")
        if unit and number:
            clash = Member.objects.filter(union=unit.grassroots_union, employee_number=number)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("employee_number", _("This employee number is already registered in your union."))
        return cleaned


class ProfileCreateForm(ProfileForm):
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that the union keeps these data to serve me."),
        required=True,
        error_messages={"required": _("Please accept the privacy notice.")},
    )

    class Meta(ProfileForm.Meta):
        # Optional mail is asked once, here, unticked (later: the profile's mail settings).
        fields = [*ProfileForm.Meta.fields, "wants_optional_mail"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].help_text = privacy_notice_link()


class DeletionRequestForm(forms.ModelForm):
    class Meta:
        model = DeletionRequest
        fields = ["reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason given to the applicant"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class StatusChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason given to the member"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class TransferForm(StatusChangeForm):
    to_union = UnitChoiceField(
        label=_("Receiving union"),
        queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.UNION).order_by("path"),
        help_text=_("Its officers accept the transfer; until then the member stays with your union."),
    )
    field_order = ["to_union", "reason"]


class TransferAcceptForm(forms.Form):
    unit = UnitChoiceField(label=_("Into unit"), queryset=OrgUnit.objects.none())
    employee_number = forms.CharField(label=_("Employee number at the new employer"), max_length=40, required=False)
    note = forms.CharField(
        label=_("Note to the member"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class OptionalMailForm(forms.Form):
    wants_optional_mail = forms.BooleanField(
        label=_("Send me birthday greetings and dues reminders by e-mail"),
        help_text=_("Notices about your membership, activities and requests are always sent."),
        required=False,
    )


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file or an Excel workbook (.xlsx) with one header line. Columns may be headed in Chinese or "
            "English; see the column list below."
        ),
    )


class ImportConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(
        label=_("Import only the rows without errors and leave the others out"), required=False
    )
    changes_checked = forms.BooleanField(label=_("I have checked the changes above"), required=False)


class ScopedExportForm(SelectableFieldsExportForm):
    """The export form, with each column named as in the officer's language."""

    def _get_field_label(self, resource, field_name: str) -> str:
        labels = dict(getattr(resource, "COLUMNS", []))
        if field_name in labels:
            return capfirst(str(labels[field_name]))
        return super()._get_field_label(resource, field_name)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, with a mobile number, an e-mail address or both (one at least)."""

    field_order = ["phone", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("Optional if you give a mobile number.")
        self.fields["phone"].help_text = _("A code is texted to it. Optional if you give an e-mail address.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email") and not self.errors:
            raise forms.ValidationError(_("Give a mobile number or an e-mail address (or both)."))
        return cleaned

    def validate_unique_email(self, value) -> str:
        """A taken address gets the same answer as a new one; its owner is told by mail.

        allauth hides a taken address only under "mandatory" e-mail verification; ours is
        "optional" (a worker may sign up with a number alone) and the login stage makes it
        mandatory for every account without a verified number, so the address is checked here."""
        email = get_adapter().validate_unique_email(value)
        self.account_already_exists = assess_unique_email(email) is not True
        return email
