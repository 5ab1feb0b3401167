"""The officers' side of learning: publish material and courses for their part of
the tree, write the questions, review reported posts and mark the union's answers.

Every queryset is limited to the officer's units (``UnitScopedAdminMixin``); every
change of state goes through ``learning.services``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from lib.errors import error_text
from members.scoping import UnitScopedAdminMixin, scope_queryset

from . import services
from .forms import MaterialAdminForm
from .models import Choice, Course, CourseStep, Enrolment, Material, Post, Question


def _run(modeladmin, request, queryset, fn, done_message):
    done = 0
    for obj in queryset:
        try:
            fn(obj)
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{obj}: {error_text(exc)}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.register(Material)
class MaterialAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    form = MaterialAdminForm
    list_display = ["title", "category", "kind", "unit", "status", "minutes", "published_at", "opened"]
    list_filter = ["status", "category", "kind"]
    list_select_related = ["unit"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["unit", "sessions"]
    filter_horizontal = ["request_types"]
    readonly_fields = ["status", "published_at", "created_by"]
    fields = [
        *["unit", "category", "kind", "title", "summary", "body", "file", "minutes"],
        *["sessions", "request_types", "status", "published_at", "created_by"],
    ]
    actions = ["publish", "withdraw"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(open_count=Count("opens"))

    @admin.display(description=pgettext_lazy("learning", "opened by"), ordering="open_count")
    def opened(self, obj):
        return obj.open_count

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "sessions" and field is not None:
            field.queryset = scope_queryset(field.queryset, request.user)
        return field

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected materials"), permissions=["change"])
    def publish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda m: services.material_publish(material=m, by=request.user),
            lambda n: ngettext("%d material published.", "%d materials published.", n) % n,
        )

    @admin.action(description=_("Withdraw the selected materials"), permissions=["change"])
    def withdraw(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda m: services.withdraw(item=m, by=request.user),
            lambda n: ngettext("%d material withdrawn.", "%d materials withdrawn.", n) % n,
        )


class CourseStepInline(admin.TabularInline):
    model = CourseStep
    extra = 1
    autocomplete_fields = ["material"]
    show_change_link = True


@admin.register(Course)
class CourseAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "category", "unit", "status", "pass_mark", "started", "finished"]
    list_filter = ["status", "category"]
    list_select_related = ["unit"]
    search_fields = ["title"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["status", "published_at", "created_by"]
    inlines = [CourseStepInline]
    actions = ["publish", "withdraw"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                started_count=Count("enrolments", distinct=True),
                finished_count=Count("enrolments", filter=Q(enrolments__completed_at__isnull=False), distinct=True),
            )
        )

    @admin.display(description=_("started"), ordering="started_count")
    def started(self, obj):
        return obj.started_count

    @admin.display(description=_("finished"), ordering="finished_count")
    def finished(self, obj):
        return obj.finished_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "material" and field is not None:
            field.queryset = scope_queryset(field.queryset, request.user)
        return field

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected courses"), permissions=["change"])
    def publish(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda c: services.course_publish(course=c, by=request.user),
            lambda n: ngettext("%d course published.", "%d courses published.", n) % n,
        )

    @admin.action(description=_("Withdraw the selected courses"), permissions=["change"])
    def withdraw(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda c: services.withdraw(item=c, by=request.user),
            lambda n: ngettext("%d course withdrawn.", "%d courses withdrawn.", n) % n,
        )


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 3


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 1
    fields = ["position", "text", "multiple"]
    show_change_link = True


@admin.register(CourseStep)
class CourseStepAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    """A step's questions (the course page lists the steps)."""

    unit_field = "course__unit"
    list_display = ["__str__", "course"]
    list_select_related = ["course", "material"]
    search_fields = ["course__title", "material__title"]
    autocomplete_fields = ["material"]
    inlines = [QuestionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("material", "course") and field is not None:
            field.queryset = scope_queryset(field.queryset, request.user)
        return field

    def get_model_perms(self, request):
        return {}  # reached from the course page, not the index


@admin.register(Question)
class QuestionAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_field = "step__course__unit"
    list_display = ["text", "step", "multiple", "answered", "missed"]
    list_select_related = ["step__course", "step__material"]
    search_fields = ["text"]
    inlines = [ChoiceInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                answered_count=Count("answers"), missed_count=Count("answers", filter=Q(answers__first_correct=False))
            )
        )

    @admin.display(description=pgettext_lazy("learning", "answered"), ordering="answered_count")
    def answered(self, obj):
        return obj.answered_count

    @admin.display(description=_("missed the first time"), ordering="missed_count")
    def missed(self, obj):
        return obj.missed_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "step" and field is not None:
            field.queryset = scope_queryset(field.queryset, request.user, "course__unit")
        return field


@admin.register(Enrolment)
class EnrolmentAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    """Who started and who finished, per course and unit (read only)."""

    unit_field = "member__unit"
    list_display = ["member", "course", "started_at", "score", "completed_at"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter), "course"]
    list_select_related = ["member", "course"]
    search_fields = ["member__name", "course__title"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    list_display = ["text_start", "author", "thread", "state", "union_answer", "report_count", "created_at"]
    list_filter = ["state", "union_answer"]
    list_select_related = ["author", "material", "course"]
    search_fields = ["text", "author__name"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "material",
        "course",
        "unit",
        "author",
        "reply_to",
        "text",
        "created_at",
        "state",
        "union_answer",
        "marked_by",
    ]
    actions = ["keep", "remove", "mark_union_answer", "unmark_union_answer"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reports_n=Count("reports"))

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("text"))
    def text_start(self, obj):
        return obj.text[:60]

    @admin.display(description=_("thread"))
    def thread(self, obj):
        return obj.thread

    @admin.display(description=_("reports"), ordering="reports_n")
    def report_count(self, obj):
        return obj.reports_n

    @admin.action(description=_("Show the selected posts again (reports set aside)"), permissions=["moderate"])
    def keep(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: services.post_review(post=p, by=request.user, keep=True),
            lambda n: ngettext("%d post shown again.", "%d posts shown again.", n) % n,
        )

    @admin.action(description=_("Remove the selected posts"), permissions=["moderate"])
    def remove(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: services.post_review(post=p, by=request.user, keep=False),
            lambda n: ngettext("%d post removed.", "%d posts removed.", n) % n,
        )

    @admin.action(description=_("Mark as the union's answer"), permissions=["moderate"])
    def mark_union_answer(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: services.post_mark_union_answer(post=p, by=request.user),
            lambda n: ngettext("%d answer marked as the union's.", "%d answers marked as the union's.", n) % n,
        )

    @admin.action(description=_("No longer the union's answer"), permissions=["moderate"])
    def unmark_union_answer(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda p: services.post_unmark_union_answer(post=p, by=request.user),
            lambda n: ngettext("%d answer unmarked.", "%d answers unmarked.", n) % n,
        )

    def has_moderate_permission(self, request):
        return request.user.has_perm("learning.moderate_post")
