from django import forms

from lib.text import validate_visible_text

from .models import Question
from .services import MAX_TEXT


class AnswerForm(forms.Form):
    """One field per question of the survey: ``q<id>``."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            choices = [(str(c.pk), c.text) for c in question.choices.all()]
            if question.kind == Question.Kind.SINGLE:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
            elif question.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT, validators=[validate_visible_text]
                )
            field.label = question.text
            field.required = question.required
            self.fields[name] = field

    def rows(self):
        """(question, bound field) in the survey's order, for the template."""
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def answers(self) -> dict:
        """The cleaned answers as the service takes them: question id → choice ids or a text."""
        found = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == Question.Kind.SINGLE:
                found[question.pk] = [value] if value else []
            elif question.kind == Question.Kind.MULTIPLE:
                found[question.pk] = list(value or [])
            else:
                found[question.pk] = value or ""
        return found
