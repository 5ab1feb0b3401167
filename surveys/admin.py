"""Officers write surveys for their part of the tree, open and close them, and
read the results (the results page is outside the admin: ``surveys:results``).

Questions and choices are edited until the first answer; afterwards they are
read-only, so every answer counted answered the question shown. Responses are
not in the admin at all: the results page shows them added up.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lib.errors import error_text
from members.scoping import UnitScopedAdminMixin, scope_queryset

from . import services
from .models import Choice, Question, Survey


def _answered(survey: Survey | None) -> bool:
    return survey is not None and survey.response_count > 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["position", "text", "kind", "required"]
    show_change_link = True
    verbose_name_plural = _("questions (save, then open a choice question to add its choices)")

    def has_add_permission(self, request, obj=None):
        return not _answered(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _answered(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _answered(obj) and super().has_delete_permission(request, obj)


@admin.register(Survey)
class SurveyAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "unit", "status", "anonymous", "closes_on", "response_count", "results_link"]
    list_filter = ["status", "anonymous"]
    list_select_related = ["unit"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["unit"]
    fields = ["unit", "title", "intro", "anonymous", "closes_on", "status", "response_count"]
    readonly_fields = ["status", "response_count"]
    inlines = [QuestionInline]
    actions = ["open_selected", "close_selected"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if _answered(obj):
            fields += ["unit", "anonymous"]  # the answers were given under these
        return fields

    def has_delete_permission(self, request, obj=None):
        return not _answered(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("results"))
    def results_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("surveys:results", args=[obj.pk]), _("results"))

    def _each(self, request, queryset, service) -> int:
        done = 0
        for survey in queryset.select_related("unit"):
            try:
                service(survey=survey, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{survey}: {error_text(exc)}", messages.ERROR)
            else:
                done += 1
        return done

    @admin.action(description=_("Open the selected surveys for answers"), permissions=["change"])
    def open_selected(self, request, queryset):
        if done := self._each(request, queryset, services.survey_open):
            self.message_user(request, ngettext("%(n)d survey opened.", "%(n)d surveys opened.", done) % {"n": done})

    @admin.action(description=_("Close the selected surveys"), permissions=["change"])
    def close_selected(self, request, queryset):
        if done := self._each(request, queryset, services.survey_close):
            self.message_user(request, ngettext("%(n)d survey closed.", "%(n)d surveys closed.", done) % {"n": done})


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 3
    fields = ["position", "text"]

    def has_add_permission(self, request, obj=None):
        return not _answered(obj and obj.survey) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _answered(obj and obj.survey) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _answered(obj and obj.survey) and super().has_delete_permission(request, obj)


@admin.register(Question)
class QuestionAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_field = "survey__unit"
    list_display = ["text", "survey", "kind", "position"]
    list_select_related = ["survey"]
    list_filter = ["kind"]
    search_fields = ["text", "survey__title"]
    fields = ["survey", "position", "text", "kind", "required"]
    autocomplete_fields = ["survey"]
    inlines = [ChoiceInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "survey" and field is not None:
            field.queryset = scope_queryset(field.queryset, request.user)
        return field

    def get_actions(self, request):
        # Deleting many at once would not ask whether their surveys were answered.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        return not _answered(obj and obj.survey) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _answered(obj and obj.survey) and super().has_delete_permission(request, obj)
