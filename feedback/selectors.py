"""Reads: who may see which item, and the public board.

The board of a member is the part of the tree they share a workplace with:
everything published in their grassroots union (their own unit, its
branches and groups, and the sibling branches — the canteen is the same for
the assembly shop and logistics), plus what was published at the levels
above it (the federation's items concern every union below). A member of
another grassroots union does not see it: one factory's canteen is not the
hospital's business.
"""

import sys

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, F, Q, QuerySet, Window
from django.db.models.expressions import RawSQL

from members.models import Member, OrgUnit
from members.scoping import officer_unit, sees_everything

from .models import Feedback, FeedbackSupport

BOARD_SORTS = {
    "support": ["-support_count", "-published_at", "id"],
    "new": ["-published_at", "id"],
}


BOARD_FIELDS = ["unit", "category", "title", "state", "published_at", "official_answer", "supporter_count"]


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    """Paths of the units above ``unit``: prefixes of its materialised path, no query."""
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path), step)]


def board_area_q(unit: OrgUnit, field: str = "unit") -> Q:
    """Items whose unit is in ``unit``'s grassroots union or above it (``field=""``:
    the units themselves)."""
    union = unit.grassroots_union
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__startswith": union.path}) | Q(**{f"{prefix}path__in": _ancestor_paths(union)})


def board_for_member(*, member: Member) -> QuerySet[Feedback]:
    return Feedback.objects.filter(board_area_q(member.unit), published=True)


def _board_unit(user) -> OrgUnit | None:
    """The unit whose board ``user`` sees: their member profile's, or, for an
    officer without one, the unit they act for."""
    member = member_for_user(user)
    if member is not None:
        # The member's grassroots union, kept on the member: no walk up the tree.
        return member.union
    return officer_unit(user)


def board_for_user(user) -> QuerySet[Feedback]:
    """What ``user`` sees on the board: by their member profile, or, for an
    officer without one, by the unit they act for."""
    published = Feedback.objects.filter(published=True)
    if sees_everything(user):
        return published
    unit = _board_unit(user)
    return published.none() if unit is None else published.filter(board_area_q(unit))


def _board_units(user) -> dict | None:
    """The units whose items are on ``user``'s board, by id (with their names, for
    the cards); ``None`` for someone who sees every item."""
    if sees_everything(user):
        return None
    unit = _board_unit(user)
    if unit is None:
        return {}
    return {u.pk: u for u in OrgUnit.objects.filter(board_area_q(unit, field="")).order_by().only("name")}


def board_page_queryset(*, user, sort: str = "support", category: str = "", units: dict | None) -> QuerySet[Feedback]:
    """The board with support counts and "you support this" in one query.

    The items are picked by the ids of the board's units (``units``, read
    first), so the database reads them through the board's index instead of
    joining every published item to the tree, and does not join the units
    either; the count of supports is the one kept on the item.
    """
    items = Feedback.objects.filter(published=True)
    if units is None:
        items = items.select_related("unit").only(*BOARD_FIELDS, "unit__name")
    else:
        items = items.filter(unit_id__in=list(units)).only(*BOARD_FIELDS)
    items = items.annotate(support_count=F("supporter_count"))
    member = member_for_user(user)
    if member is not None:
        items = items.annotate(supported=_supported_by(member))
    if category in Feedback.Category.values:
        items = items.filter(category=category)
    return items.order_by(*BOARD_SORTS.get(sort, BOARD_SORTS["support"]))


def _supported_by(member: Member) -> RawSQL:
    # Exists(FeedbackSupport...) as SQL: the ORM took longer to build it than the database to run it.
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {FeedbackSupport._meta.db_table} s"
        f" WHERE s.feedback_id = {Feedback._meta.db_table}.id AND s.member_id = %s)",
        [member.pk],
        output_field=BooleanField(),
    )


def board_page(*, user, sort: str = "support", category: str = "", number=None, per_page: int = 20) -> Page:
    """A page of the board and the number of items on it, in one query (a window
    count beside each row, not a count query before the page); past the last
    page or on an empty board, as ``Paginator.get_page`` does."""
    units = _board_units(user)
    items = board_page_queryset(user=user, sort=sort, category=category, units=units)
    paginator = Paginator(items, per_page)
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1
    page = None
    if 1 <= wanted and wanted * per_page <= sys.maxsize:  # an offset the database can take
        rows = list(items.annotate(total=Window(Count("*")))[(wanted - 1) * per_page : wanted * per_page])
        if rows:
            paginator.count = rows[0].total
            page = Page(rows, wanted, paginator)
    if page is None:
        page = paginator.get_page(number)
        page.object_list = list(page.object_list)
    if units is not None:
        for item in page.object_list:
            item.unit = units[item.unit_id]
    return page


def member_for_user(user) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_feedback_member", False)
    if cached is False:
        try:  # one member per account; get() leaves out first()'s ordering
            cached = Member.objects.select_related("unit", "union").get(user=user)
            cached.user = user  # the account is loaded already: not joined again
        except Member.DoesNotExist:
            cached = None
        user._feedback_member = cached
    return cached


def own_items(*, member: Member) -> QuerySet[Feedback]:
    """The member's named items. Anonymous ones cannot be found: that is the point."""
    return Feedback.objects.filter(author=member, anonymous=False).select_related("unit")


def feedback_for_viewer(*, user, pk) -> Feedback | None:
    """An item the logged-in ``user`` may read on the worker pages: their own
    named item, or a published one on their board. ``None`` for anything else."""
    member = member_for_user(user)
    if member is not None:
        own = own_items(member=member).filter(pk=pk).first()
        if own is not None:
            return own
    return board_for_user(user).select_related("unit").filter(pk=pk).first()
