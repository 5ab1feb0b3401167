"""Reads: who may see which item, and the public board.

The board of a member is the part of the tree they share a workplace with:
everything published in their grassroots union (their own unit, its
branches and groups, and the sibling branches — the canteen is the same for
the assembly shop and logistics), plus what was published at the levels
above it (the federation's items concern every union below). A member of
another grassroots union does not see it: one factory's canteen is not the
hospital's business.
"""

import functools
import sys

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Q, QuerySet

from members.models import Member, OrgUnit
from members.scoping import officer_unit, sees_everything

from .models import Feedback, FeedbackSupport


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    """Paths of the units above ``unit``: prefixes of its materialised path, no query."""
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path), step)]


def _board_area(unit: OrgUnit) -> tuple[str, list[str]]:
    """The units on ``unit``'s board by their paths: the grassroots union's path
    (the path of every unit in the union starts with it) and the paths above it."""
    union = unit.grassroots_union
    return union.path, _ancestor_paths(union)


def board_area_q(unit: OrgUnit, field: str = "unit") -> Q:
    """Items whose unit is in ``unit``'s grassroots union or above it (``field=""``:
    the units themselves)."""
    union_path, paths_above = _board_area(unit)
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__startswith": union_path}) | Q(**{f"{prefix}path__in": paths_above})


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


# The board's orders, as SQL over an alias of the items (``{t}``): the same as
# order_by("-supporter_count", "-published_at", "id") and ("-published_at", "id").
BOARD_ORDERS = {
    "support": "{t}.supporter_count DESC, {t}.published_at DESC, {t}.id",
    "new": "{t}.published_at DESC, {t}.id",
}


def board_page(*, user, sort: str = "support", category: str = "", number=None, per_page: int = 20) -> Page:
    """A page of ``user``'s board with its cards' data (the unit's name, the count
    of supports, "you support this") and the number of items on it, in one query;
    an unknown sort or category is ignored, a bad or out-of-range page number
    handled as ``Paginator.get_page`` does."""
    if sees_everything(user):
        area = None
    else:
        unit = _board_unit(user)
        if unit is None:  # nobody's board: nothing to read
            return Paginator([], per_page).get_page(number)
        area = _board_area(unit)
    items = _BoardItems(
        area=area,
        sort=sort if sort in BOARD_ORDERS else "support",
        category=category if category in Feedback.Category.values else "",
        member=member_for_user(user),
    )
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1
    if 1 <= wanted and wanted * per_page <= sys.maxsize:  # an offset the database can take
        # The page asked for, and with it the count: get_page needs no other query.
        items.read((wanted - 1) * per_page, per_page)
    return Paginator(items, per_page).get_page(number)


class _BoardItems:
    """The items on a board as ``Paginator`` reads them. Each slice is one query
    that also counts the board (a window count beside each row), so the count is
    known from any page that has rows; the rows read last are kept for a slice
    of them, so the page read before ``get_page`` is not read again."""

    def __init__(self, *, area: tuple[str, list[str]] | None, sort: str, category: str, member: Member | None):
        self.member = member
        self.sql = _board_sql(
            vendor=connections[Feedback.objects.db].vendor,
            sort=sort,
            above=None if area is None else len(area[1]),
            by_category=bool(category),
            for_member=member is not None,
        )
        self.params = [member.pk] if member is not None else []
        if area is not None:
            union_path, paths_above = area
            self.params += [connections[Feedback.objects.db].ops.prep_for_like_query(union_path) + "%", *paths_above]
        if category:
            self.params.append(category)
        self._count = None
        self._kept = (None, [])

    def read(self, offset: int, limit: int) -> list[Feedback]:
        rows = list(Feedback.objects.raw(self.sql, [*self.params, limit, offset]))
        units = {}
        for item in rows:
            # The unit as .only("name") loads it: one instance per unit on the page.
            if item.unit_id not in units:
                units[item.unit_id] = OrgUnit.from_db(
                    Feedback.objects.db, ["id", "name"], [item.unit_id, item.unit_name]
                )
            item.unit = units[item.unit_id]
            item.support_count = item.supporter_count
            if self.member is not None:
                item.supported = bool(item.supported)
        if rows:
            self._count = rows[0].total
        elif offset == 0:
            self._count = 0
        self._kept = (offset, rows)
        return rows

    def count(self) -> int:
        if self._count is None:
            self.read(0, 1)
        return self._count

    def __getitem__(self, window: slice) -> list[Feedback]:
        offset, rows = self._kept
        if window.start == offset and window.stop - window.start <= len(rows):
            return rows[: window.stop - window.start]
        return self.read(window.start, window.stop - window.start)


@functools.cache
def _board_sql(*, vendor: str, sort: str, above: int | None, by_category: bool, for_member: bool) -> str:
    """The board's query for one shape, written once per process (with ``%s`` for
    every value): Django took longer to build the query than the database to run it.

    The page's ids and the count are read in a subquery (from the board's index
    alone, see ``Feedback.Meta.indexes``); only the page's rows are read whole and
    joined to their unit. ``above`` is the number of levels above the grassroots
    union (``None``: every published item); the units are picked by their paths
    (``_board_area``) as ``board_area_q`` picks them.
    """
    items, units = Feedback._meta.db_table, OrgUnit._meta.db_table
    where = ["f.published"]
    if above is not None:
        paths_above = f" OR path IN ({', '.join(['%s'] * above)})" if above else ""
        unit_ids = f"SELECT id FROM {units} WHERE path LIKE %s ESCAPE '\\'{paths_above}"
        if vendor == "postgresql":
            # The ids as an array read before the items (an InitPlan): as "IN (SELECT ...)" the
            # planner may hash-join every published item to the units, ten times slower.
            where.append(f"f.unit_id = ANY(ARRAY({unit_ids}))")
        else:
            where.append(f"f.unit_id IN ({unit_ids})")
    if by_category:
        where.append("f.category = %s")
    supported = (
        f", EXISTS (SELECT 1 FROM {FeedbackSupport._meta.db_table} s"
        " WHERE s.feedback_id = f.id AND s.member_id = %s) AS supported"
        if for_member
        else ""
    )
    order = BOARD_ORDERS[sort]
    return (
        "SELECT f.id, f.unit_id, u.name AS unit_name, f.category, f.title, f.state, f.published_at,"
        f" f.official_answer, f.supporter_count, page.total{supported}"
        " FROM (SELECT f.id, f.supporter_count, f.published_at, COUNT(*) OVER () AS total"
        f" FROM {items} f WHERE {' AND '.join(where)}"
        f" ORDER BY {order.format(t='f')} LIMIT %s OFFSET %s) page"
        f" JOIN {items} f ON f.id = page.id JOIN {units} u ON u.id = f.unit_id"
        f" ORDER BY {order.format(t='page')}"
    )


def member_for_user(user) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_feedback_member", False)
    if cached is False:
        cached = _member_with_units(user.pk)
        if cached is not None:
            cached.user = user  # the account is loaded already: not joined again
        user._feedback_member = cached
    return cached


def _member_with_units(user_id) -> Member | None:
    """The member profile of the account ``user_id`` (one per account) with its unit
    and its union, as ``select_related("unit", "union").get(user=...)`` reads them,
    by SQL written once per process: Django took longer to build that query than
    the database to run it."""
    member = next(iter(Member.objects.raw(_member_sql(), [user_id])), None)
    if member is not None:
        names = [field.attname for field in OrgUnit._meta.concrete_fields]
        for relation in ("unit", "union"):
            values = [member.__dict__.pop(f"{relation}__{name}") for name in names]
            setattr(member, relation, OrgUnit.from_db(member._state.db, names, values))
    return member


@functools.cache
def _member_sql() -> str:
    units = OrgUnit._meta.db_table
    columns = [f"m.{field.column}" for field in Member._meta.concrete_fields]
    for relation, alias in (("unit", "u"), ("union", "g")):
        columns += [f"{alias}.{field.column} AS {relation}__{field.attname}" for field in OrgUnit._meta.concrete_fields]
    return (
        f"SELECT {', '.join(columns)} FROM {Member._meta.db_table} m"
        f" JOIN {units} u ON u.id = m.unit_id JOIN {units} g ON g.id = m.union_id WHERE m.user_id = %s"
    )


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
