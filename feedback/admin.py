import uuid

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.db.models.lookups import IsNull
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from lib.columns import yes_no_column
from lib.errors import error_text
from lib.history import HistoryAdmin
from members.changelists import LargeChangelistMixin
from members.scoping import UnitScopedAdminMixin, UnitTreeFilter, officer_unit, sees_everything
from members.search import IndexedSearchMixin

from . import services
from .forms import AnswerForm, StateForm, UnpublishForm
from .models import Feedback, FeedbackEvent, FeedbackMessage


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


# How long the unit filter's choices are kept in Django's cache: a unit's first feedback
# shows up in the filter within this time (the list itself is always current).
UNIT_FILTER_SECONDS = 300


class UnitFilter(admin.RelatedOnlyFieldListFilter):
    """The units of the feedback the officer sees, each unit asked for its first item (an index
    lookup), not by reading every item; of each unit only its key and name are read. The list
    changes when a unit gets its first feedback, so it is kept in the cache per scope for
    ``UNIT_FILTER_SECONDS`` (a query less on every page of the list)."""

    def field_choices(self, field, request, model_admin):
        # The scope is the officer's unit's place in the tree (loaded already for the list's scope).
        unit = officer_unit(request.user)
        scope = "all" if sees_everything(request.user) else (unit.path if unit else "none")
        key = f"feedback:unit-filter:{scope}"
        return cache.get_or_set(
            key, lambda: self._units_with_feedback(field, request, model_admin), UNIT_FILTER_SECONDS
        )

    def _units_with_feedback(self, field, request, model_admin):
        first_visible = model_admin.get_queryset(request).filter(unit=OuterRef("pk")).order_by().values("pk")[:1]
        # "IS NOT NULL" of a scalar subquery: PostgreSQL would turn an EXISTS into a join
        # over all feedback.
        has_feedback = Q(IsNull(Subquery(first_visible), False))
        units = field.related_model._default_manager.filter(has_feedback)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            units = units.order_by(*ordering)
        return list(units.values_list("pk", "name"))  # OrgUnit.__str__ is its name


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FeedbackMessageInline(ReadOnlyInline):
    model = FeedbackMessage
    fields = ["position", "written_on", "sender", "text"]
    readonly_fields = fields
    verbose_name_plural = _("conversation with the author")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("officer")

    @admin.display(description=_("written by"))
    def sender(self, obj):
        return _("the author") if obj.from_author else (obj.officer or _("an officer"))


class FeedbackEventInline(ReadOnlyInline):
    model = FeedbackEvent
    fields = ["at", "kind", "from_state", "to_state", "by", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Feedback)
class FeedbackAdmin(UnitScopedAdminMixin, LargeChangelistMixin, IndexedSearchMixin, HistoryAdmin):
    """Officers read, answer, publish and decide feedback of their part of the tree.

    Everything is read-only here; changes go through the answer, state and
    publish forms, which call the services (and so are recorded).
    """

    list_display = [
        "reference",
        "title",
        "category",
        "state",
        "author_display",
        "unit",
        "submitted_on",
        yes_no_column(Feedback, "published"),
        "support_count",
        yes_no_column(Feedback, "awaiting_answer"),
    ]
    list_display_links = ["reference", "title"]
    list_filter = [
        "category",
        "state",
        "anonymous",
        "published",
        "awaiting_answer",
        ("unit", UnitFilter),
        UnitTreeFilter,
    ]
    list_select_related = ["unit", "author"]
    # The columns the rows read (LargeChangelistMixin): not the texts, the digest or the publisher.
    list_only = [
        "unit__name",
        "category",
        "title",
        "anonymous",
        "author__name",
        "submitted_on",
        "state",
        "published",
        "supporter_count",
        "awaiting_answer",
    ]
    search_fields = ["title", "body", "official_answer", "author__name"]
    date_hierarchy = "submitted_on"
    ordering = ["-submitted_on", "id"]
    fieldsets = (
        (None, {"fields": ("reference", "category", "title", "body")}),
        (_("From"), {"fields": ("author_display", "unit", "submitted_on")}),
        (
            _("Answer"),
            {"fields": ("state", "awaiting_answer", "published", "official_answer", "published_at", "published_by")},
        ),
    )
    readonly_fields = [
        "reference",
        "category",
        "title",
        "body",
        "author_display",
        "unit",
        "submitted_on",
        "state",
        "awaiting_answer",
        "published",
        "official_answer",
        "published_at",
        "published_by",
    ]
    inlines = [FeedbackMessageInline, FeedbackEventInline]
    actions = ["change_state"]
    change_form_template = "admin/feedback/feedback/change_form.html"

    def has_add_permission(self, request):
        return False  # workers send feedback from the portal

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_answer_permission(self, request, obj=None):
        return request.user.has_perm("feedback.answer_feedback")

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm("feedback.publish_feedback")

    def view_on_site(self, obj):
        # Only a published item has a page an officer can open on the portal.
        return obj.get_absolute_url() if obj.published else None

    @admin.display(description=_("reference"))
    def reference(self, obj):
        return obj.reference

    @admin.display(description=pgettext_lazy("feedback", "author"), ordering="author__name")
    def author_display(self, obj):
        if obj.anonymous:
            return _("anonymous")
        return obj.author or _("(profile deleted)")

    @admin.display(description=_("supports"), ordering="supporter_count")
    def support_count(self, obj):
        return obj.supporter_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "may_answer": self.has_answer_permission(request),
            "may_publish": self.has_publish_permission(request),
            "may_change": self.has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Custom pages: answer, state, unpublish ---------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:pk>/answer/", view(self.answer_view), name="feedback_feedback_answer"),
            path("<uuid:pk>/state/", view(self.state_view), name="feedback_feedback_state"),
            path("<uuid:pk>/unpublish/", view(self.unpublish_view), name="feedback_feedback_unpublish"),
        ] + super().get_urls()

    def _get_scoped(self, request, pk) -> Feedback:
        try:
            return get_object_or_404(self.get_queryset(request), pk=pk)
        except ValidationError:  # not a UUID
            raise Http404 from None

    def _change_url(self, feedback) -> str:
        return reverse("admin:feedback_feedback_change", args=[feedback.pk])

    def _page(self, request, template, feedback, form, title, **extra):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": feedback,
                "feedback": feedback,
                "form": form,
                "title": title,
                **extra,
            },
        )

    def answer_view(self, request, pk):
        feedback = self._get_scoped(request, pk)
        if not (self.has_answer_permission(request) or self.has_publish_permission(request)):
            raise PermissionDenied
        initial = {"how": AnswerForm.PUBLISH, "text": feedback.official_answer} if feedback.published else None
        form = AnswerForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["text"]
            try:
                if form.cleaned_data["how"] == AnswerForm.PUBLISH:
                    services.feedback_publish(feedback=feedback, by=request.user, official_answer=text)
                    done = _("“%(title)s” is on the board with your official answer.")
                else:
                    services.feedback_answer(feedback=feedback, by=request.user, text=text)
                    done = (
                        _("Your answer is saved; the author reads it with their follow-up code.")
                        if feedback.anonymous
                        else _("Your answer was e-mailed to the author.")
                    )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                self.message_user(request, done % {"title": feedback.title})
                return redirect(self._change_url(feedback))
        return self._page(
            request,
            "admin/feedback/feedback/answer.html",
            feedback,
            form,
            _("Answer feedback"),
            conversation=feedback.messages.select_related("officer"),
        )

    def state_view(self, request, pk):
        feedback = self._get_scoped(request, pk)
        if not self.has_change_permission(request, feedback):
            raise PermissionDenied
        form = StateForm(request.POST or None, current=feedback.state)
        if request.method == "POST" and form.is_valid():
            try:
                services.feedback_transition(
                    feedback=feedback, to=form.cleaned_data["to"], by=request.user, note=form.cleaned_data["note"]
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                feedback.refresh_from_db()
                self.message_user(request, _("The item is now “%(state)s”.") % {"state": feedback.get_state_display()})
                return redirect(self._change_url(feedback))
        return self._page(
            request, "admin/feedback/feedback/state.html", feedback, form, _("Change the state of feedback")
        )

    def unpublish_view(self, request, pk):
        feedback = self._get_scoped(request, pk)
        if not self.has_publish_permission(request):
            raise PermissionDenied
        form = UnpublishForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.feedback_unpublish(feedback=feedback, by=request.user, note=form.cleaned_data["note"])
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, error_text(exc), messages.ERROR)
            else:
                self.message_user(request, _("“%(title)s” was taken off the board.") % {"title": feedback.title})
            return redirect(self._change_url(feedback))
        return self._page(
            request, "admin/feedback/feedback/unpublish.html", feedback, form, _("Take feedback off the board")
        )

    # --- Bulk state change ---------------------------------------------------------

    def response_action(self, request, queryset):
        # Ids are UUIDs: a tampered selection is dropped, not a server error.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        valid = [value for value in selected if _is_uuid(value)]
        if valid != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, valid)
        return super().response_action(request, queryset)

    @admin.action(description=_("Change the state of the selected items…"), permissions=["change"])
    def change_state(self, request, queryset):
        form = StateForm(request.POST if "to" in request.POST else None)
        if form.is_bound and form.is_valid():
            moved, errors = services.feedback_bulk_transition(
                items=queryset.select_related("unit"),
                to=form.cleaned_data["to"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
            label = Feedback.State(form.cleaned_data["to"]).label
            self.message_user(
                request,
                ngettext("%(n)d item moved to “%(state)s”.", "%(n)d items moved to “%(state)s”.", moved)
                % {"n": moved, "state": label},
                messages.SUCCESS if moved else messages.WARNING,
            )
            for error in errors:
                self.message_user(request, error, messages.WARNING)
            return None
        return TemplateResponse(
            request,
            "admin/feedback/feedback/bulk_state.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "items": queryset.select_related("unit"),
                "form": form,
                "action": "change_state",
                "title": _("Change the state of feedback"),
            },
        )
