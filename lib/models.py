"""The shape every decision log shares (STYLE habit 6: who, when, from, to and why)."""

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StateChange(models.Model):
    """One change of something's state: who made it, when, from which state to which, and the note.

    A concrete log names the foreign key to the thing that changed (``subject_field``) and
    that thing's state attribute (``subject_state``), and declares ``from_state`` and
    ``to_state`` again with the thing's choices, so that the admin and the labels below read
    them. An empty ``from_state`` means the thing was just created.
    """

    subject_field: ClassVar[str]
    subject_state: ClassVar[str] = "state"

    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{getattr(self, self.subject_field)}: {self.from_label or '—'} → {self.to_label}"

    @property
    def from_label(self) -> str:
        """The label of the state before the change ("" for a thing just created)."""
        return self._label("from_state")

    @property
    def to_label(self) -> str:
        return self._label("to_state")

    def exported(self) -> dict:
        """The row in the member's copy of their data: the codes, and the labels a person reads."""
        return {
            "from": self.from_state,
            "to": self.to_state,
            "from_label": self.from_label,
            "to_label": self.to_label,
            "at": self.at.isoformat(),
            "note": self.note,
        }

    def _label(self, name: str) -> str:
        value = getattr(self, name)
        return str(dict(self._meta.get_field(name).flatchoices).get(value, value))

    @classmethod
    def record(cls, subject, *, to: str, by, note: str = "", from_state: str | None = None, **fields) -> Self:
        """Write the row for ``subject`` moving to ``to`` and set ``to`` on it (the caller saves it).

        ``from_state`` defaults to the state ``subject`` holds now; pass it when the subject
        was moved and saved before the row could be written (a registration just created).
        """
        if from_state is None:
            from_state = getattr(subject, cls.subject_state)
        setattr(subject, cls.subject_state, to)
        return cls.objects.create(
            **{cls.subject_field: subject}, from_state=from_state, to_state=to, by=by, note=note, **fields
        )
