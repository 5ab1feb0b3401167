"""Admin search that PostgreSQL can answer from indexes.

Django's admin search ORs ``UPPER(field) LIKE '%term%'`` over every search
field, across joins: with 100,000 rows, a scan of every row (and of the joined
tables) on each search. Here the same rows are found, written so that indexes
can be used (migrations ``members.0003_search_indexes``,
``welfare.0003_search_indexes``):

* the model's own fields are ORed in one query (PostgreSQL combines their
  indexes); each related model's fields get a query of their own, and a row
  matches when its id is in any of them (a UNION: an OR across a join defeats
  every index);
* a trigram index knows nothing of a term shorter than three characters, and
  most Chinese names have two or three. The searched fields are indexed in
  capitals with every non-ASCII character written twice ("顾明" → "顾顾明明"),
  where a two-character Chinese term has two trigrams (ASCII is left alone:
  doubled digits make trigrams that every number shares). The query asks for
  the doubled term in the doubled field as well as for the term itself, so
  the result stays exactly Django's.

On SQLite the doubled-character condition is left out; the rest is the same.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import CharField, F, Func, Q, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Upper
from django.db.models.lookups import Contains
from django.utils.text import smart_split, unescape_string_literal


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


# Fields with such a trigram index (migration members.0003_search_indexes).
BIGRAM_INDEXED = {
    ("members", "member", "name"),
    ("members", "member", "membership_number"),
    ("members", "member", "employee_number"),
    ("members", "member", "phone"),
    ("members", "member", "email"),
    ("members", "user", "email"),
}


def _bigram_indexed(field) -> bool:
    return (field.model._meta.app_label, field.model._meta.model_name, field.name) in BIGRAM_INDEXED


def _term_q(model, path: str, lookup: str, term: str) -> Q:
    q = Q(**{f"{path}__{lookup}": term})
    if (
        lookup == "icontains"
        and len(term) >= 2
        and connection.vendor == "postgresql"
        and _bigram_indexed(_field(model, path))
    ):
        q &= Q(Contains(doubled(F(path)), doubled(Value(term))))
    return q


class IndexedSearchMixin:
    """For a ModelAdmin: ``search_fields`` (plain, ``^`` or ``=``) searched as described above."""

    def get_search_results(self, request, queryset, search_term):
        search_fields = [str(field) for field in self.get_search_fields(request)]
        terms = search_terms(search_term)
        model = queryset.model
        paths = [field.lstrip("^=") for field in search_fields]
        if (
            not terms
            or not search_fields
            or any(field[0] == "@" for field in search_fields)
            or any(_field(model, path) is None for path in paths)
        ):
            return super().get_search_results(request, queryset, search_term)
        # Own fields in one group, each related model's fields in another.
        groups: dict[str, list[tuple[str, str]]] = {}
        for field in search_fields:
            lookup = {"^": "istartswith", "=": "iexact"}.get(field[0], "icontains")
            path = field.lstrip("^=")
            relation = path.rpartition(LOOKUP_SEP)[0]
            groups.setdefault(relation, []).append((path, lookup))
        matches = Q()
        for term in terms:
            per_group = [
                Q.create([_term_q(model, path, lookup, term) for path, lookup in lookups], connector=Q.OR)
                for lookups in groups.values()
            ]
            if list(groups) == [""]:
                matches &= per_group[0]
                continue
            ids = [model._default_manager.filter(q).order_by().values("pk") for q in per_group]
            matches &= Q(pk__in=ids[0].union(*ids[1:], all=True) if len(ids) > 1 else ids[0])
        # Related rows are matched through ids: each row is found at most once.
        return queryset.filter(matches), False
