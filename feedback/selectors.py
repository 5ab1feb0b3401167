"""Reads: who may see which item, and the public board.

The board of a member is the part of the tree they share a workplace with:
everything published in their grassroots union (their own unit, its
branches and groups, and the sibling branches — the canteen is the same for
the assembly shop and logistics), plus what was published at the levels
above it (the federation's items concern every union below). A member of
another grassroots union does not see it: one factory's canteen is not the
hospital's business.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from members.models import Member, OrgUnit
from members.scoping import officer_unit, sees_everything
from members.selectors import ancestor_paths, member_for_user

from .models import Feedback, FeedbackSupport


def board_area_q(unit: OrgUnit, field: str = "unit") -> Q:
    """Items whose unit is in ``unit``'s grassroots union or above it (``field=""``:
    the units themselves)."""
    union = unit.grassroots_union
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__startswith": union.path}) | Q(**{f"{prefix}path__in": ancestor_paths(union)})


def _board_of_unit(unit: OrgUnit) -> QuerySet[Feedback]:
    # The units picked first, the items by their unit ids: the board's index
    # (feedback_board_page_idx: unit, then the sort keys) then finds and orders them.
    units = OrgUnit.objects.filter(board_area_q(unit, field="")).values("pk")
    return Feedback.objects.filter(published=True, unit__in=units)


def board_for_member(*, member: Member) -> QuerySet[Feedback]:
    return _board_of_unit(member.union)


def _board_unit(user) -> OrgUnit | None:
    """The unit whose board ``user`` sees: their member profile's, or, for an
    officer without one, the unit they act for."""
    member = member_for_user(user)
    if member is not None:
        # The member's grassroots union is stored on the member: no walk up the tree.
        return member.union
    return officer_unit(user)


def board_for_user(user) -> QuerySet[Feedback]:
    """What ``user`` sees on the board: by their member profile, or, for an
    officer without one, by the unit they act for; a superuser sees every
    published item. The board list, an item's page, support and counts all
    read through it."""
    if sees_everything(user):
        return Feedback.objects.filter(published=True)
    unit = _board_unit(user)
    return Feedback.objects.none() if unit is None else _board_of_unit(unit)


# The board's orders (the sort keys of feedback_board_page_idx).
BOARD_ORDERS = {
    "support": ["-supporter_count", "-published_at", "id"],
    "new": ["-published_at", "id"],
}
# What a card shows of an item and of its unit.
CARD_FIELDS = ["unit__name", "category", "title", "state", "published_at", "official_answer", "supporter_count"]


def board_page(*, user, sort: str = "support", category: str = "", number=None, per_page: int = 20) -> Page:
    """A page of ``user``'s board with its cards' data (the unit's name, the count
    of supports as ``support_count``, for a member ``supported``), paged in the
    database; an unknown sort or category is ignored, a bad or out-of-range page
    number handled as ``Paginator.get_page`` does."""
    items = (
        board_for_user(user)
        .select_related("unit")
        .only(*CARD_FIELDS)
        .annotate(support_count=F("supporter_count"))
        .order_by(*BOARD_ORDERS.get(sort, BOARD_ORDERS["support"]))
    )
    if category in Feedback.Category.values:
        items = items.filter(category=category)
    member = member_for_user(user)
    if member is not None:
        items = items.annotate(supported=Exists(FeedbackSupport.objects.filter(feedback=OuterRef("pk"), member=member)))
    return Paginator(items, per_page).get_page(number)


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
