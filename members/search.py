"""Admin search that PostgreSQL answers from indexes, with exactly Django's results.

Django's admin search ORs ``UPPER(field) LIKE '%term%'`` over every search field,
across joins: with 100,000 rows, a scan of every row (and of the joined tables)
for a search that finds a dozen. On PostgreSQL each word of the search is
written so that indexes can answer it — when they can:

* a trigram index (pg_trgm) knows nothing of a term shorter than three
  characters, and most Chinese names have two or three. Short fields are
  therefore indexed in capitals with every non-ASCII character written twice
  ("顾明" → "顾顾明明"), where a two-character Chinese term has trigrams
  (ASCII is left alone: doubled digits make trigrams every number shares).
  "The doubled field contains the doubled term" holds exactly when "the field
  contains the term" (a Chinese character's two copies can only line up with
  another's two copies, or within a run of one repeated character), so the
  doubled comparison replaces Django's; long texts get a plain trigram index;
* a related model's fields (``member__name``) become ``member_id =
  ANY(ARRAY(SELECT id FROM member WHERE ...))``: an array the planner looks up
  in the foreign key's index and combines with the other fields' indexes
  (``IN (subquery)`` or a join inside an OR defeats every index);
* a word no index can answer (one character, a field without an index) is
  searched as Django searches it, and so is everything on SQLite.

The indexes come from the models' ``SEARCH_INDEXES`` and migrations
``members.0003_search_indexes``, ``welfare.0003_search_indexes`` and
``feedback.0003_search_indexes``; tests check with EXPLAIN that they are used.
"""

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import CharField, F, Func, Lookup, Q, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Upper
from django.db.models.lookups import Contains
from django.utils.text import smart_split, unescape_string_literal

# Kinds of index in a model's SEARCH_INDEXES.
DOUBLED = "doubled"  # GIN trigram on REGEXP_REPLACE(UPPER(field), non-ASCII doubled)
TRIGRAM = "trigram"  # GIN trigram on UPPER(field)
PREFIX = "prefix"  # B-tree text_pattern_ops on UPPER(field), for ^field (istartswith)


def doubled(expression) -> Func:
    """``expression`` in capitals with every non-ASCII character written twice (PostgreSQL only)."""
    return Func(
        Upper(expression),
        Value(r"([^\x01-\x7f])"),
        Value(r"\1\1"),
        Value("g"),
        function="REGEXP_REPLACE",
        output_field=CharField(),
    )


class AnyOf(Lookup):
    """``lhs = ANY(rhs)`` for an array ``rhs`` (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def search_terms(search_term: str) -> list[str]:
    """The words of an admin search, split and unquoted as Django's admin does."""
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        terms.append(bit)
    return terms


def _field(model, path: str):
    """The field at the end of ``path`` (following relations), or ``None`` if ``path`` ends with a lookup."""
    opts = model._meta
    field = None
    for part in path.split(LOOKUP_SEP):
        if field is not None:
            if not field.is_relation:
                return None
            opts = field.related_model._meta
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return None
    return field


def _own_term_form(model, name: str, lookup: str, term: str) -> str | None:
    """How a word is searched in a field of ``model`` itself so that its index answers; ``None`` if none can."""
    kind = getattr(model, "SEARCH_INDEXES", {}).get(name)
    if lookup == "icontains":
        if kind == DOUBLED and sum(1 if ord(c) < 128 else 2 for c in term) >= 3:
            return DOUBLED
        if kind == TRIGRAM and len(term) >= 3:
            return "icontains"
    if lookup == "istartswith" and kind == PREFIX:
        return "istartswith"
    return None


def _own_q(name: str, form: str, term: str) -> Q:
    if form == DOUBLED:
        return Q(Contains(doubled(F(name)), doubled(Value(term))))
    return Q(**{f"{name}__{form}": term})


def _own_term_q(model, name: str, lookup: str, term: str) -> Q | None:
    """``<name>__<lookup>=term`` for a field of ``model`` itself, written for its index; ``None`` if none can help."""
    form = _own_term_form(model, name, lookup, term)
    return None if form is None else _own_q(name, form, term)


def _indexed_term_q(model, specs: list[tuple[str, str]], term: str) -> Q | None:
    """One search word over ``specs`` (path, lookup), answerable from indexes; ``None`` if some field is not."""
    own, related = [], {}
    for path, lookup in specs:
        first, _, rest = path.partition(LOOKUP_SEP)
        if rest:
            related.setdefault(first, []).append((rest, lookup))
        else:
            own.append((first, lookup))
    arms = [_own_term_q(model, name, lookup, term) for name, lookup in own]
    for name, lookups in related.items():
        relation = model._meta.get_field(name)
        target = relation.related_model
        forms = tuple((rest, _own_term_form(target, rest, lookup, term)) for rest, lookup in lookups)
        if not (relation.concrete and (relation.many_to_one or relation.one_to_one)):
            return None
        if any(form is None for _, form in forms):
            return None
        arms.append(_related_q(relation, [_own_q(rest, form, term) for rest, form in forms]))
    if None in arms:
        return None
    return Q.create(arms, connector=Q.OR)


def _related_q(relation, target_arms: list[Q]) -> Q:
    from django.contrib.postgres.expressions import ArraySubquery

    matching = relation.related_model._default_manager.filter(Q.create(target_arms, connector=Q.OR))
    keys = matching.order_by().values(relation.target_field.attname)
    return Q(AnyOf(F(relation.attname), ArraySubquery(keys)))


class IndexedSearchMixin:
    """For a ModelAdmin: its ``search_fields`` (plain or ``^``) searched as described above."""

    def get_search_results(self, request, queryset, search_term):
        specs = []
        for field in map(str, self.get_search_fields(request)):
            lookup = {"^": "istartswith", "=": "iexact", "@": "search"}.get(field[0], "icontains")
            specs.append((field.lstrip("^=@"), lookup))
        terms = search_terms(search_term)
        if (
            connection.vendor != "postgresql"
            or not terms
            or not specs
            or any(_field(queryset.model, path) is None for path, _ in specs)
            or any(lookup_spawns_duplicates(self.opts, path) for path, _ in specs)
        ):
            return super().get_search_results(request, queryset, search_term)
        matches = Q()
        for term in terms:
            indexed = _indexed_term_q(queryset.model, specs, term)
            if indexed is None:  # as Django writes it
                indexed = Q.create([(f"{path}__{lookup}", term) for path, lookup in specs], connector=Q.OR)
            matches &= indexed
        return queryset.filter(matches), False
