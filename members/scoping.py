"""Which part of the organisation tree an officer may see.

Every officer acts for one unit and everything below it; superusers see all.
This module is the one place that rule lives: admin changelists, counts,
actions, exports and autocomplete all go through ``scope_queryset`` (directly
or through ``UnitScopedAdminMixin``).
"""

from collections.abc import Callable
from typing import Any, Literal

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit


def officer_unit(user) -> OrgUnit | None:
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return None
    if user.officer_unit_id is None:
        return None
    field = user._meta.get_field("officer_unit")
    if not field.is_cached(user):
        # Loaded with the answer to "is it the whole tree?", so the scope costs no extra query.
        unit = (
            OrgUnit.objects.annotate(_whole_tree=ExpressionWrapper(_alone_at_the_top(), output_field=BooleanField()))
            .filter(pk=user.officer_unit_id)
            .first()
        )
        field.set_cached_value(user, unit)
    return user.officer_unit


def _alone_at_the_top():
    """True for a unit at the top of the tree with no other unit at the top beside it."""
    return Q(depth=1) & ~Exists(OrgUnit.objects.filter(depth=1).exclude(pk=OuterRef("pk")))


def covers_whole_tree(unit: OrgUnit) -> bool:
    """Whether every unit is ``unit`` or below it (it is the only root): the federation's
    officers. Asked once per loaded unit (with the unit itself when loaded by ``officer_unit``)."""
    if unit.depth != 1:
        return False
    if not hasattr(unit, "_whole_tree"):
        unit._whole_tree = OrgUnit.objects.filter(_alone_at_the_top(), pk=unit.pk).exists()
    return bool(unit._whole_tree)


def sees_everything(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def unit_scope_q(user, field: str = "unit", model: type[Model] | None = None) -> Q | None:
    """A filter limiting rows (whose unit is at ``field``) to ``user``'s subtree.

    ``None`` means no limit (a superuser); an officer without a unit sees nothing.
    For an officer of the whole tree the filter only asks that a row has a unit;
    given the ``model`` the rows come from, it is empty when every row has one
    (no join through ``field`` to the units then).
    """
    if sees_everything(user):
        return None
    unit = officer_unit(user)
    if unit is None:
        return Q(pk__in=[])
    prefix = f"{field}__" if field else ""
    if covers_whole_tree(unit):
        return _has_unit_q(model, field)
    return Q(**{f"{prefix}path__startswith": unit.path})


def _has_unit_q(model: type[Model] | None, field: str) -> Q:
    """Rows that have a unit at ``field``: all of them (``Q()``) when every step is a required key."""
    if not field:
        return Q()
    if model is not None and _always_set(model, field):
        return Q()
    return Q(**{f"{field}__isnull": False})


def _always_set(model: type[Model], field: str) -> bool:
    for name in field.split("__"):
        try:
            step = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if not step.many_to_one or step.null:
            return False
        model = step.related_model
    return model is OrgUnit


def scope_queryset(queryset: QuerySet, user, field: str = "unit") -> QuerySet:
    q = unit_scope_q(user, field, queryset.model)
    return queryset if q is None else queryset.filter(q)


def user_may_see_unit(user, unit: OrgUnit | None) -> bool:
    if sees_everything(user):
        return True
    own = officer_unit(user)
    return own is not None and own.contains(unit)


class UnitScopedAdminMixin:
    """Limit a ModelAdmin to the officer's subtree.

    ``unit_field`` is the lookup path from the model to its ``OrgUnit``
    (``"unit"``, ``"member__unit"``...). Choices of units and members in
    forms are limited the same way, so an officer cannot move an object out
    of their reach either.
    """

    unit_field = "unit"

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, self.unit_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        model = db_field.related_model
        if field is not None and model is OrgUnit:
            field.queryset = scope_queryset(field.queryset, request.user, field="")
        elif field is not None and model.__name__ == "Member" and model._meta.app_label == "members":
            field.queryset = scope_queryset(field.queryset, request.user, "unit")
        return field

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except (OverflowError, IncorrectLookupParameters):
            # e.g. a date-hierarchy year beyond any calendar: the admin's own "bad filter" answer
            return HttpResponseRedirect(request.path + "?e=1")

    def _check_in_scope(self, request, object_id) -> None:
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError, ValidationError):
            found = False
        if not found:
            raise Http404

    # simple-history's pages fall back to the historical rows when the object
    # is outside the queryset: check the scope first.
    def history_view(self, request, object_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_in_scope(request, object_id)
        # Saving an old version ("revert") would bypass the services' rules (a
        # status, a state, a decision): old versions are for reading only.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class UnitTreeFilter(admin.SimpleListFilter):
    """A unit and every unit below it (``?within=<pk>``), as the statistics' links ask for.

    The filter shows only while it is in use: offering every unit would cost a query on
    every page of the list. A unit outside the officer's part of the tree matches nothing.
    """

    title = _("unit and the units below it")
    parameter_name = "within"

    def __init__(self, request, params, model, model_admin):
        self.unit_field = getattr(model_admin, "unit_field", "unit")
        self._unit = None
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        value = self.value()
        if value and str(value).isdigit():
            self._unit = scope_queryset(OrgUnit.objects.filter(pk=value), request.user, field="").first()
        if value is None:
            return []
        # A filter with no choices is not applied at all: an unknown unit must still match nothing.
        return [(str(value), self._unit.name if self._unit else _("no unit of yours"))]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self._unit is None:
            return queryset.none()
        return queryset.filter(self._unit.subtree_q(self.unit_field))


Side = Literal["any", "worker", "officer"]


def visible_by_side(queryset: QuerySet, user, *, side: Side, officer_q: Callable[[Any], Q | None]) -> QuerySet:
    """Rows about a member (``member__user``) as a case area sees them: the worker's own
    (``side="worker"``), those the officer handles (``side="officer"``, ``officer_q(user)``,
    None when they handle none), or either (``"any"``). A superuser handles every row; anyone
    else, and anyone not logged in, gets an empty queryset (hence 404). Each area keeps its
    own officer rule; this is the shape they share (welfare requests, care cases)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    as_worker = Q(member__user=user)
    if user.is_superuser and side != "worker":
        return queryset.all()
    as_officer = officer_q(user)
    if side == "worker":
        q = as_worker
    elif side == "officer":
        if as_officer is None:
            return queryset.none()
        q = as_officer
    else:
        q = as_worker if as_officer is None else as_worker | as_officer
    return queryset.filter(q)
