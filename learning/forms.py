import puremagic
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from welfare.uploads import looks_like_html, pdf_has_active_content

from .models import Material

# What the bytes of a file may be, per kind of material.
FILE_TYPES = {
    Material.Kind.PDF: {"application/pdf"},
    Material.Kind.VIDEO: {"video/mp4", "video/webm"},
}


class LibraryForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Material.Category.choices], required=False
    )


class PostForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with your name. Up to 2000 characters."),
    )
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)


class ReplyForm(PostForm):
    text = forms.CharField(label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Why should an officer look at it?"), max_length=200, required=False)


class StepForm(forms.Form):
    """The questions after a step: a radio group per single-choice question, check boxes per multiple-choice one."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            choices = [(str(choice.pk), choice.text) for choice in question.choices.all()]
            label = f"{number}. {question.text}"
            if question.multiple:
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Tick every right answer."),
                    error_messages={"required": _("Please answer this question.")},
                )
            else:
                field = forms.ChoiceField(
                    label=label,
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Please answer this question.")},
                )
            self.fields[f"q{question.pk}"] = field

    def answers(self) -> dict[int, set[int]]:
        found = {}
        for question in self.questions:
            value = self.cleaned_data[f"q{question.pk}"]
            found[question.pk] = {int(v) for v in (value if isinstance(value, list) else [value])}
        return found


class MaterialAdminForm(forms.ModelForm):
    """The officers' form: a PDF or a video is checked by its content, not its name."""

    class Meta:
        model = Material
        fields = [
            *["unit", "category", "kind", "title", "summary", "body", "file", "minutes"],
            *["sessions", "request_types"],
        ]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        kind = cleaned.get("kind")
        if upload and hasattr(upload, "content_type") and kind in FILE_TYPES:
            limit = settings.LEARNING_FILE_MAX_BYTES
            if upload.size > limit:
                self.add_error("file", _("The file may be at most %(limit)s.") % {"limit": filesizeformat(limit)})
                return cleaned
            upload.seek(0)
            head = upload.read(65536)
            upload.seek(0)
            try:
                found = {m.mime_type for m in puremagic.magic_string(head)}
            except (puremagic.PureError, ValueError):
                found = set()
            allowed = found & FILE_TYPES[kind]
            if not allowed or looks_like_html(head):
                self.add_error("file", _("This file is not a %(kind)s.") % {"kind": Material.Kind(kind).label})
            elif kind == Material.Kind.PDF and pdf_has_active_content(upload.read()):
                self.add_error("file", _("This PDF contains scripts or automatic actions, which are not accepted."))
            else:
                self.instance.content_type = sorted(allowed)[0]
            upload.seek(0)
        return cleaned
