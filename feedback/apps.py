from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from members import data_export, erasure

        from . import signals  # noqa: F401
        from .services import member_feedback_data, member_feedback_erase

        data_export.register("feedback", member_feedback_data)
        erasure.register("feedback", member_feedback_erase)
